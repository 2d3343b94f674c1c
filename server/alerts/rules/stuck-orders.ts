import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';
import { expectedHandOverMs, handOverThresholds, type LocationKind } from './hand-over.ts';

/** The stages an order waits in at a location, in the order the floor works them. */
export const STUCK_STAGES = ['release', 'pick', 'pack', 'ship'] as const;
export type StuckStage = (typeof STUCK_STAGES)[number];

const slaField = {
  /** Allocated units no shipment works on yet (the release loop takes them within its interval). */
  releaseMinutes: z.number().positive().max(100_000),
  /** Released (a shipment exists) and not fully picked: the wait for a picker included. */
  pickHours: z.number().positive().max(10_000),
  /** Fully picked and not packed. */
  packHours: z.number().positive().max(10_000),
  /** The pick and pack SLAs cover a shipment of up to this many units… */
  slaUnits: z.number().int().min(0).max(1_000_000),
  /** …and grow by these minutes for each unit beyond (a case order of 150 units is picked in hours, not minutes). */
  pickMinutesPerUnit: z.number().min(0).max(10_000),
  packMinutesPerUnit: z.number().min(0).max(10_000),
  /** Packed and not handed over: hours past the expected carrier collection (pickups: past the pack). */
  shipHours: z.number().positive().max(10_000),
};
/**
 * Top-level SLAs. A warehouse picks a unit in about 6 minutes: 15 a unit beyond 10 keeps a case
 * order of 100–170 units (17–28 h of picking) inside its SLA, and a 2-unit order at 4 h.
 */
const sla = {
  releaseMinutes: slaField.releaseMinutes.default(60),
  pickHours: slaField.pickHours.default(4),
  packHours: slaField.packHours.default(2),
  slaUnits: slaField.slaUnits.default(10),
  pickMinutesPerUnit: slaField.pickMinutesPerUnit.default(15),
  packMinutesPerUnit: slaField.packMinutesPerUnit.default(1),
  shipHours: slaField.shipHours.default(2),
};
// Overrides without defaults: a field a kind or location leaves out falls back to the top level.
const slaOverride = z.strictObject(slaField).partial();

/**
 * Each kind's own SLAs over the ones above. Defaults from the floors' normal rhythm: a 3PL claims
 * in 2.5 h (median), a store in 5 h between customers, a drop-ship vendor within a day or two.
 */
const perKindDefaults = {
  '3pl': { pickHours: 8 },
  store: { pickHours: 24, packHours: 4, shipHours: 4 },
  dropship: { pickHours: 72, packHours: 24, shipHours: 24 },
};

const Thresholds = z.strictObject({
  ...sla,
  perKind: z
    .strictObject({
      warehouse: slaOverride.default({}),
      '3pl': slaOverride.default(perKindDefaults['3pl']),
      store: slaOverride.default(perKindDefaults.store),
      dropship: slaOverride.default(perKindDefaults.dropship),
    })
    .prefault({}),
  /** A location's own SLAs (over its kind's) and its own `minOrders`. */
  perLocation: z.record(z.uuid(), z.strictObject({ ...slaField, minOrders: z.number().int().positive().max(1_000_000) }).partial()).default({}),
  /** When each kind hands parcels to the carrier: the ship stage counts from there. */
  handOver: handOverThresholds,
  /** A location alerts from this many orders beyond their SLA… */
  minOrders: z.number().int().positive().max(1_000_000).default(3),
  /** …or as soon as one order has waited this many times its stage's SLA (then critical)… */
  criticalFactor: z.number().min(1).max(100).default(3),
  /** …and is critical from this many stuck orders. */
  criticalOrders: z.number().int().positive().max(1_000_000).default(25),
  ...commonThresholds,
});
type Thresholds = z.infer<typeof Thresholds>;

interface StuckRow extends Record<string, unknown> {
  stage: StuckStage;
  location_id: string;
  location_code: string;
  kind: LocationKind;
  order_id: string;
  since: Date | string;
  /** Ship stage: the shipment goes by carrier (else it waits for the pickup shelf). */
  by_carrier: boolean;
  /** Units of the order's shipments in that stage (pick and pack SLAs grow with them). */
  units: number;
}

const MINUTE_MS = 60_000;

/**
 * Each stage's SLA at a location (its own over its kind's over the defaults), in milliseconds,
 * for a shipment of `units` units: the pick and pack SLAs grow by their per-unit minutes for each
 * unit beyond `slaUnits`.
 */
export function slaMs(t: Thresholds, kind: LocationKind | null, locationId: string | null, units = 0): Record<StuckStage, number> {
  const ofKind = kind ? t.perKind[kind] : {};
  const own = locationId ? (t.perLocation[locationId] ?? {}) : {};
  const pick = <K extends keyof typeof sla>(key: K) => own[key] ?? ofKind[key] ?? t[key];
  const extraUnits = Math.max(0, units - pick('slaUnits'));
  return {
    release: pick('releaseMinutes') * MINUTE_MS,
    pick: (pick('pickHours') * 60 + extraUnits * pick('pickMinutesPerUnit')) * MINUTE_MS,
    pack: (pick('packHours') * 60 + extraUnits * pick('packMinutesPerUnit')) * MINUTE_MS,
    ship: pick('shipHours') * 60 * MINUTE_MS,
  };
}

/**
 * Orders waiting in a stage at a location longer than its SLA: one alert per location, listing
 * the orders oldest first. Held and cancelled orders wait on purpose and are left out. A packed
 * parcel waits for the carrier's collection by design, so the ship stage counts from the
 * collection it should have made (the location's cutoff after the pack, plus its handling days).
 */
export const stuckOrders = defineRule({
  key: 'stuck_orders',
  description: 'Orders waiting to be released, picked, packed or handed over beyond the SLA of their location and its kind',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds, severity }) {
    // The shortest SLA anywhere bounds the scan (the pack moment is never after the expected
    // collection); each row is then held to its own location's SLAs.
    const kinds: (LocationKind | null)[] = [null, 'warehouse', '3pl', 'store', 'dropship'];
    const shortest = Math.min(
      ...kinds.flatMap((kind) => Object.values(slaMs(thresholds, kind, null))),
      ...Object.keys(thresholds.perLocation).flatMap((id) => Object.values(slaMs(thresholds, null, id))),
    );
    const before = new Date(now.getTime() - shortest);
    const result = await db.execute<StuckRow>(sql`
      with unreleased as (
        select a.location_id, a.order_id, min(a.created_at) as since
        from order_allocations a join orders o on o.id = a.order_id
        where a.released_at is null and o.status in ('allocated', 'picking') and a.created_at < ${before}
        group by a.location_id, a.order_id, a.order_line_id
        -- The order's shipments on the floor by the order alone (offset 0 keeps the location and the
        -- line out of the lookup): without statistics the planner walked the location's whole
        -- open floor for each allocation, 350,000 buffers a run at 2,000 orders a day.
        having sum(a.quantity) > coalesce((
          select sum(f.quantity) from (
            select s.location_id, sl.order_line_id, sl.quantity from shipments s join shipment_lines sl on sl.shipment_id = s.id
            where s.order_id = a.order_id and s.status in ('pending', 'picking', 'packed') offset 0) f
          where f.location_id = a.location_id and f.order_line_id = a.order_line_id), 0)
      ), floor as (
        select s.id, s.order_id, s.location_id, s.status, s.created_at, s.updated_at, s.carrier,
          bool_and(sl.picked_at is not null) as picked, max(sl.picked_at) as picked_at, sum(sl.quantity)::int as units
        from shipments s join shipment_lines sl on sl.shipment_id = s.id
        where s.status in ('pending', 'picking', 'packed')
          -- Held and cancelled orders by their status index: a join to orders would scan them all.
          and s.order_id not in (select id from orders where status in ('on_hold', 'cancelled'))
        group by s.id
      ), waiting as (
        select 'release' as stage, location_id, order_id, min(since) as since, false as by_carrier, 0 as units from unreleased group by location_id, order_id
        union all
        select 'pick', location_id, order_id, created_at, false, units from floor where status in ('pending', 'picking') and not picked
        union all
        select 'pack', location_id, order_id, picked_at, false, units from floor where status = 'picking' and picked
        union all
        select 'ship', location_id, order_id, updated_at, carrier is not null, 0 from floor where status = 'packed'
      )
      select w.stage, w.location_id, l.code as location_code, l.kind, w.order_id, min(w.since) as since, bool_or(w.by_carrier) as by_carrier,
        max(w.units)::int as units
      from waiting w join locations l on l.id = w.location_id
      where w.since < ${before}
      group by w.stage, w.location_id, l.code, l.kind, w.order_id
      order by since, w.order_id`);

    const byLocation = new Map<string, { code: string; kind: LocationKind; rows: { stage: StuckStage; orderId: string; ageMs: number; slaMs: number }[] }>();
    for (const row of result.rows) {
      const sinceMs = new Date(row.since).getTime();
      // A parcel is late once the collection it should have made has gone.
      const fromMs = row.stage === 'ship' && row.by_carrier ? expectedHandOverMs(sinceMs, thresholds.handOver[row.kind]) : sinceMs;
      const ageMs = now.getTime() - fromMs;
      const limit = slaMs(thresholds, row.kind, row.location_id, row.units)[row.stage];
      if (ageMs <= limit) continue;
      const entry = byLocation.get(row.location_id) ?? { code: row.location_code, kind: row.kind, rows: [] };
      entry.rows.push({ stage: row.stage, orderId: row.order_id, ageMs, slaMs: limit });
      byLocation.set(row.location_id, entry);
    }

    const findings: Finding[] = [];
    for (const [locationId, { code, kind, rows }] of byLocation) {
      const limits = slaMs(thresholds, kind, locationId);
      rows.sort((a, b) => b.ageMs / b.slaMs - a.ageMs / a.slaMs);
      const orders = [...new Set(rows.map((r) => r.orderId))];
      const overdue = rows.some((r) => r.ageMs >= thresholds.criticalFactor * r.slaMs);
      if (orders.length < (thresholds.perLocation[locationId]?.minOrders ?? thresholds.minOrders) && !overdue) continue;
      const stages = Object.fromEntries(
        STUCK_STAGES.flatMap((stage) => {
          const of = rows.filter((r) => r.stage === stage);
          if (of.length === 0) return [];
          const oldest = Math.max(...of.map((r) => r.ageMs));
          // The stage's SLA for a shipment of up to slaUnits units, and the longest of these orders' own (units beyond).
          const longest = Math.max(...of.map((r) => r.slaMs));
          return [[stage, { orders: of.length, oldestMinutes: Math.round(oldest / MINUTE_MS), slaMinutes: limits[stage] / MINUTE_MS, longestSlaMinutes: Math.round(longest / MINUTE_MS) }]];
        }),
      ) as Partial<Record<StuckStage, { orders: number; oldestMinutes: number; slaMinutes: number; longestSlaMinutes: number }>>;
      const summary = Object.entries(stages)
        .map(([stage, s]) => `${stage} ${s.orders}`)
        .join(', ');
      findings.push({
        subject: `location:${locationId}`,
        severity: overdue || orders.length >= thresholds.criticalOrders ? 'critical' : severity,
        title: `${orders.length} ${orders.length === 1 ? 'order' : 'orders'} stuck at ${code} (${summary})`,
        detail: Object.entries(stages)
          .map(([stage, s]) => `${s.orders} waiting to ${stage} beyond ${s.slaMinutes} min${s.longestSlaMinutes > s.slaMinutes ? ` (up to ${s.longestSlaMinutes} min for their units)` : ''}${stage === 'ship' ? ' after the expected collection' : ''} (oldest ${s.oldestMinutes} min)`)
          .join('; '),
        locationId,
        // Most overdue first (wait over SLA), so the actions take the worst orders.
        affected: { orders: orders.slice(0, AFFECTED_CAP), ordersTotal: orders.length, locationId },
        measured: { stages, kind },
      });
    }
    return findings;
  },
});

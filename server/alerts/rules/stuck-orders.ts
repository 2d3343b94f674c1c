import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';

/** The stages an order waits in at a location, in the order the floor works them. */
export const STUCK_STAGES = ['release', 'pick', 'pack', 'ship'] as const;
export type StuckStage = (typeof STUCK_STAGES)[number];

const sla = {
  /** Allocated units no shipment works on yet (the release loop should take them within seconds). */
  releaseMinutes: z.number().positive().max(100_000).default(30),
  /** Released (a shipment exists) and not fully picked. */
  pickHours: z.number().positive().max(10_000).default(4),
  /** Fully picked and not packed. */
  packHours: z.number().positive().max(10_000).default(2),
  /** Packed and not shipped (or not put on the pickup shelf). */
  shipHours: z.number().positive().max(10_000).default(4),
};

const Thresholds = z.strictObject({
  ...sla,
  /** A location's own SLAs, where they differ from the defaults above. */
  perLocation: z.record(z.uuid(), z.strictObject(sla).partial()).default({}),
  /** The alert is critical from this many stuck orders at a location… */
  criticalOrders: z.number().int().positive().max(1_000_000).default(25),
  /** …or when its oldest order has waited this many times its stage's SLA. */
  criticalFactor: z.number().min(1).max(100).default(2),
  ...commonThresholds,
});
type Thresholds = z.infer<typeof Thresholds>;

interface StuckRow extends Record<string, unknown> {
  stage: StuckStage;
  location_id: string;
  location_code: string;
  order_id: string;
  since: Date | string;
}

const MINUTE_MS = 60_000;

/** Each stage's SLA at each location with an override, in milliseconds; `default` for the rest. */
function slaMs(t: Thresholds, locationId: string | null): Record<StuckStage, number> {
  const own = locationId ? (t.perLocation[locationId] ?? {}) : {};
  const pick = (key: keyof typeof sla) => own[key] ?? t[key];
  return {
    release: pick('releaseMinutes') * MINUTE_MS,
    pick: pick('pickHours') * 60 * MINUTE_MS,
    pack: pick('packHours') * 60 * MINUTE_MS,
    ship: pick('shipHours') * 60 * MINUTE_MS,
  };
}

/**
 * Orders waiting in a stage at a location longer than its SLA: one alert per location, listing
 * the orders oldest first. Held and cancelled orders wait on purpose and are left out.
 */
export const stuckOrders = defineRule({
  key: 'stuck_orders',
  description: 'Orders waiting to be released, picked, packed or shipped beyond the SLA of their location',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds, severity }) {
    // The shortest SLA anywhere bounds the scan; each row is then held to its own location's.
    const shortest = Math.min(...[null, ...Object.keys(thresholds.perLocation)].flatMap((id) => Object.values(slaMs(thresholds, id))));
    const before = new Date(now.getTime() - shortest);
    const result = await db.execute<StuckRow>(sql`
      with unreleased as (
        select a.location_id, a.order_id, min(a.created_at) as since
        from order_allocations a join orders o on o.id = a.order_id
        where a.released_at is null and o.status in ('allocated', 'picking') and a.created_at < ${before}
        group by a.location_id, a.order_id, a.order_line_id
        having sum(a.quantity) > coalesce((
          select sum(sl.quantity) from shipments s join shipment_lines sl on sl.shipment_id = s.id
          where s.order_id = a.order_id and s.location_id = a.location_id and sl.order_line_id = a.order_line_id
            and s.status in ('pending', 'picking', 'packed')), 0)
      ), floor as (
        select s.id, s.order_id, s.location_id, s.status, s.created_at, s.updated_at,
          bool_and(sl.picked_at is not null) as picked, max(sl.picked_at) as picked_at
        from shipments s join shipment_lines sl on sl.shipment_id = s.id join orders o on o.id = s.order_id
        where s.status in ('pending', 'picking', 'packed') and o.status not in ('on_hold', 'cancelled')
        group by s.id
      ), waiting as (
        select 'release' as stage, location_id, order_id, min(since) as since from unreleased group by location_id, order_id
        union all
        select 'pick', location_id, order_id, created_at from floor where status in ('pending', 'picking') and not picked
        union all
        select 'pack', location_id, order_id, picked_at from floor where status = 'picking' and picked
        union all
        select 'ship', location_id, order_id, updated_at from floor where status = 'packed'
      )
      select w.stage, w.location_id, l.code as location_code, w.order_id, min(w.since) as since
      from waiting w join locations l on l.id = w.location_id
      where w.since < ${before}
      group by w.stage, w.location_id, l.code, w.order_id
      order by since, w.order_id`);

    const byLocation = new Map<string, { code: string; rows: { stage: StuckStage; orderId: string; ageMs: number }[] }>();
    for (const row of result.rows) {
      const ageMs = now.getTime() - new Date(row.since).getTime();
      if (ageMs <= slaMs(thresholds, row.location_id)[row.stage]) continue;
      const entry = byLocation.get(row.location_id) ?? { code: row.location_code, rows: [] };
      entry.rows.push({ stage: row.stage, orderId: row.order_id, ageMs });
      byLocation.set(row.location_id, entry);
    }

    const findings: Finding[] = [];
    for (const [locationId, { code, rows }] of byLocation) {
      const limits = slaMs(thresholds, locationId);
      const orders = [...new Set(rows.map((r) => r.orderId))];
      const stages = Object.fromEntries(
        STUCK_STAGES.flatMap((stage) => {
          const of = rows.filter((r) => r.stage === stage);
          if (of.length === 0) return [];
          const oldest = Math.max(...of.map((r) => r.ageMs));
          return [[stage, { orders: of.length, oldestMinutes: Math.round(oldest / MINUTE_MS), slaMinutes: limits[stage] / MINUTE_MS }]];
        }),
      ) as Partial<Record<StuckStage, { orders: number; oldestMinutes: number; slaMinutes: number }>>;
      const critical =
        orders.length >= thresholds.criticalOrders || rows.some((r) => r.ageMs >= thresholds.criticalFactor * limits[r.stage]);
      const summary = Object.entries(stages)
        .map(([stage, s]) => `${stage} ${s.orders}`)
        .join(', ');
      findings.push({
        subject: `location:${locationId}`,
        severity: critical ? 'critical' : severity,
        title: `${orders.length} ${orders.length === 1 ? 'order' : 'orders'} stuck at ${code} (${summary})`,
        detail: Object.entries(stages)
          .map(([stage, s]) => `${s.orders} waiting to ${stage} beyond ${s.slaMinutes} min (oldest ${s.oldestMinutes} min)`)
          .join('; '),
        locationId,
        affected: { orders: orders.slice(0, AFFECTED_CAP), ordersTotal: orders.length, locationId },
        measured: { stages },
      });
    }
    return findings;
  },
});

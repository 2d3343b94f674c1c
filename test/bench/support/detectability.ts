import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { Disruption } from '#server/simulator/disruptions.ts';

/**
 * When a disruption first shows in Tower's own records, whatever the simulator meant: the moment
 * an alert could at the earliest have said so. Each check reads the database as of `atMs` (every
 * simulated action before it has run) and answers that moment, or null while nothing shows yet.
 * Where the records carry the exact moment (a promise falling due, a ledger entry) it is used;
 * otherwise the earliest change inside the last step, so a delay is never understated.
 */
export interface DetectabilityCheck {
  disruption: Disruption;
  /** What is measured, in words (for the report). */
  definition: string;
  check(db: Executor, atMs: number, stepMs: number): Promise<Date | null>;
}

export interface DetectabilitySettings {
  /** carrier_slowdown: a promised day's due parcels of the carrier needed (the rule's smallest batch). */
  carrierMinParcels: number;
  /** carrier_slowdown: how much more often than the other carriers' that day they must be late (the rule's lift). */
  carrierMinLift: number;
  /** carrier_slowdown: z against the other carriers' late share that day. */
  carrierMinZ: number;
  /** capacity_loss: the trailing window (hours) whose arrivals are set against a day of capacity. */
  capacityWindowHours: number;
  /** stock_out: days of allocations that make "recent demand" (fewer when the history is shorter). */
  stockDemandDays: number;
}

/**
 * Windows as backlog_growth (24 h) and stock_out_risk (28 days) read them. A carrier slowdown is
 * detectable from the first day its due batch is late far more often than the other carriers' due
 * the same day: 10 parcels and 20 points as carrier_delay's due batch; z 3 against the same day's
 * share, a yardstick that already takes out the day's network-wide lateness (the rule's z 4 is
 * against a baseline, with that baseline's own uncertainty).
 */
export const defaultDetectability: DetectabilitySettings = { carrierMinParcels: 10, carrierMinLift: 0.2, carrierMinZ: 3, capacityWindowHours: 24, stockDemandDays: 28 };

const DAY_MS = 86_400_000;

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** The earliest moment in (from, to] among candidates, else `from` + 1 ms (the step's start: never later than the truth). */
function earliestIn(candidates: readonly (Date | null)[], fromMs: number, toMs: number): Date {
  const inside = candidates.filter((d): d is Date => d !== null && d.getTime() > fromMs && d.getTime() <= toMs).map((d) => d.getTime());
  return new Date(inside.length > 0 ? Math.min(...inside) : fromMs + 1);
}

/**
 * carrier_slowdown: the end of the first promised day since the start on which the carrier's
 * parcels due that day (of a slowed service, or all its services) number at least
 * `carrierMinParcels` and passed their promise undelivered (or arrived after it) at least
 * `carrierMinLift` more often than the other carriers' parcels due the same day (same service, or
 * all), by z ≥ `carrierMinZ` against that same-day share. A day every carrier runs late (a
 * holiday week's hand-overs) is no evidence against one of them. Exact: the promise's own moment.
 */
function carrierCheck(d: Extract<Disruption, { kind: 'carrier_slowdown' }>, startMs: number, s: DetectabilitySettings): DetectabilityCheck {
  return {
    disruption: d,
    definition:
      `the first promised day whose due parcels of ${d.carrier}${d.service ? ` (${d.service})` : ''} (≥ ${s.carrierMinParcels}) passed their promise undelivered ` +
      `${Math.round(s.carrierMinLift * 100)} points more often than the other carriers' due the same day, at z ≥ ${s.carrierMinZ}`,
    async check(db, atMs) {
      const { rows } = await db.execute<{ day: string; due_at: string; theirs: boolean; service: string; parcels: number; late: number }>(sql`
        select (s.promised_at at time zone 'UTC')::date::text as day, max(s.promised_at) as due_at, s.carrier = ${d.carrier} as theirs, s.service::text as service,
          count(*)::int as parcels,
          count(*) filter (where (s.delivered_at is not null and s.delivered_at > s.promised_at) or (s.delivered_at is null and s.status in ('shipped', 'exception')))::int as late
        from shipments s
        where s.carrier is not null and s.shipped_at is not null and s.status in ('shipped', 'delivered', 'exception', 'returned_to_sender')
          and s.promised_at >= ${new Date(startMs)} and s.promised_at < ${new Date(atMs)}
        group by 1, 3, 4
        order by 1`);
      const days = [...new Set(rows.map((r) => r.day))];
      const services = d.service ? [d.service] : [...new Set(rows.map((r) => r.service))];
      for (const day of days) {
        const batch = rows.filter((r) => r.day === day);
        // Each slowed service alone, and the carrier's services together ('').
        for (const service of [...services, '']) {
          const of = (theirs: boolean) => batch.filter((r) => r.theirs === theirs && (service === '' || r.service === service));
          const sum = (rs: typeof batch) => rs.reduce((n, r) => ({ parcels: n.parcels + r.parcels, late: n.late + r.late }), { parcels: 0, late: 0 });
          const theirs = sum(of(true));
          const others = sum(of(false));
          if (theirs.parcels < s.carrierMinParcels || others.parcels < s.carrierMinParcels) continue;
          const q = Math.min(Math.max(others.late / others.parcels, 0.01), 0.99);
          const z = (theirs.late - theirs.parcels * q) / Math.sqrt(theirs.parcels * q * (1 - q));
          if (theirs.late / theirs.parcels - q >= s.carrierMinLift && z >= s.carrierMinZ) return asDate(of(true).map((r) => r.due_at).sort().at(-1));
        }
      }
      return null;
    },
  };
}

/**
 * capacity_loss, the load: the shipments released to the location over the trailing
 * `capacityWindowHours`, per day, exceed its daily capacity as Tower now has it (cut): more comes
 * in than it can clear. Capacity counts shipments, as sourcing spends it and backlog_growth
 * compares it (until 2026-12-07 units counted too, whichever was more: a day of b2b cases before
 * the cut set the moment). Arrivals grow at releases and the capacity falls at the cut: the
 * earliest of those inside the step.
 */
function capacityCheck(d: Extract<Disruption, { kind: 'capacity_loss' }>, startMs: number, locationId: string, s: DetectabilitySettings): DetectabilityCheck {
  return {
    disruption: d,
    definition: `shipments released to ${d.locationCode} over the last ${s.capacityWindowHours} h, per day, exceed its cut daily capacity`,
    async check(db, atMs, stepMs) {
      const from = new Date(atMs - s.capacityWindowHours * 3_600_000);
      const { rows } = await db.execute<{ shipments: number; capacity: number; first_release: string | null }>(sql`
        select count(distinct sh.id)::int as shipments,
          (select daily_capacity from locations where id = ${locationId}) as capacity,
          min(sh.created_at) filter (where sh.created_at > ${new Date(atMs - stepMs)}) as first_release
        from shipments sh
        where sh.location_id = ${locationId} and sh.created_at > ${from} and sh.created_at <= ${new Date(atMs)}`);
      const row = rows[0]!;
      const perDay = 24 / s.capacityWindowHours;
      if (row.shipments * perDay <= row.capacity) return null;
      return earliestIn([asDate(row.first_release), new Date(startMs)], atMs - stepMs, atMs);
    },
  };
}

/**
 * stock_out: at the location (or, for a network-wide one, the first location), available
 * (on hand − reserved) plus inbound (open purchase order lines) falls under recent demand (units
 * allocated there over the last `stockDemandDays`, per day) times the supplier's lead time. The
 * level moves with its ledger: the earliest ledger entry of the step.
 */
function stockCheck(d: Extract<Disruption, { kind: 'stock_out' }>, locationId: string | null, runFromMs: number, s: DetectabilitySettings): DetectabilityCheck {
  return {
    disruption: d,
    definition: `available + inbound of ${d.sku} at ${d.locationCode ?? 'a location'} under its last ${s.stockDemandDays} days' daily demand × the supplier's lead time`,
    async check(db, atMs, stepMs) {
      const at = new Date(atMs);
      const windowMs = Math.min(s.stockDemandDays * DAY_MS, Math.max(DAY_MS, atMs - runFromMs));
      const { rows } = await db.execute<{ location_id: string; short: boolean; first_entry: string | null }>(sql`
        with lead as (
          select coalesce(sp.lead_time_days, su.lead_time_days) as days
          from supplier_products sp join suppliers su on su.id = sp.supplier_id
          where sp.sku = ${d.sku} and sp.active order by sp.preferred desc limit 1
        ), levels as (
          select l.location_id, l.on_hand - l.reserved as available,
            coalesce((select sum(pl.quantity_ordered - pl.quantity_received) from purchase_order_lines pl join purchase_orders po on po.id = pl.purchase_order_id
              where pl.sku = l.sku and po.location_id = l.location_id and po.status in ('submitted', 'partially_received')), 0) as inbound,
            coalesce((select sum(a.quantity) from order_allocations a
              where a.sku = l.sku and a.location_id = l.location_id and a.created_at > ${new Date(atMs - windowMs)} and a.created_at <= ${at}), 0) as demand
          from inventory_levels l
          where l.sku = ${d.sku} and (${locationId}::uuid is null or l.location_id = ${locationId}::uuid)
        )
        select lv.location_id, (lv.demand > 0 and lv.available + lv.inbound < lv.demand * (select days from lead) * ${DAY_MS}::float8 / ${windowMs}) as short,
          (select min(occurred_at) from inventory_ledger g where g.sku = ${d.sku} and g.location_id = lv.location_id and g.occurred_at > ${new Date(atMs - stepMs)} and g.occurred_at <= ${at}) as first_entry
        from levels lv`);
      const short = rows.filter((r) => r.short);
      if (short.length === 0) return null;
      return new Date(Math.min(...short.map((r) => earliestIn([asDate(r.first_entry)], atMs - stepMs, atMs).getTime())));
    },
  };
}

/** One check per disruption, with location codes resolved to Tower's ids. */
export function detectabilityChecks(
  disruptions: readonly Disruption[],
  locationIdByCode: ReadonlyMap<string, string>,
  runFromMs: number,
  settings: DetectabilitySettings = defaultDetectability,
): DetectabilityCheck[] {
  return disruptions.map((d) => {
    const startMs = Date.parse(`${d.start}T00:00:00.000Z`);
    if (d.kind === 'carrier_slowdown') return carrierCheck(d, startMs, settings);
    if (d.kind === 'capacity_loss') return capacityCheck(d, startMs, locationIdByCode.get(d.locationCode)!, settings);
    return stockCheck(d, d.locationCode ? locationIdByCode.get(d.locationCode)! : null, runFromMs, settings);
  });
}

/** first, 2nd, 3rd, 4th… */
export function ordinal(n: number): string {
  if (n === 1) return 'first';
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

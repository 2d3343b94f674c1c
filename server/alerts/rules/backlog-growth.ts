import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';

const Thresholds = z
  .strictObject({
    /** The recent window whose arrivals (shipments released to the location) and hand-overs are counted. */
    windowHours: z.number().int().min(1).max(24 * 14).default(24),
    /** Shipments released over the window at this multiple of the daily capacity (shipments, as sourcing counts it) raise… */
    raiseLoad: z.number().positive().max(100).default(1.25),
    /** …and a live alert holds until the load is under this (hysteresis). */
    clearLoad: z.number().positive().max(100).default(1),
    /** The floor's claim throughput is measured over the last hours… */
    throughputHours: z.number().min(0.5).max(168).default(6),
    /** …and its usual wait for a picker over the days before. */
    baselineDays: z.number().int().min(1).max(60).default(7),
    /** Shipments claimed lately having waited this many times the usual for a picker raise… */
    raiseSlowdown: z.number().min(1).max(100).default(1.75),
    /** …and a live alert holds until under this. */
    clearSlowdown: z.number().min(1).max(100).default(1.25),
    /** …and at least this many hours more than usual. */
    minExtraHours: z.number().min(0).max(1_000).default(1),
    /** Work that would take this many hours to clear raises whatever the usual wait (a floor handing nothing over: for ever)… */
    raiseHoursToClear: z.number().positive().max(10_000).default(48),
    /** …and holds until under this. */
    clearHoursToClear: z.number().positive().max(10_000).default(36),
    /** Fewer arrivals than this over the window prove nothing about a load. */
    minArrivals: z.number().int().min(1).max(1_000_000).default(10),
    /** Hours to clear count only from this many shipments on the floor… */
    minBacklog: z.number().int().min(1).max(1_000_000).default(10),
    /** …and the recent wait only from this many claims in the throughput window… */
    minClaims: z.number().int().min(1).max(1_000_000).default(5),
    /** …against a usual wait of at least this many claims (a new floor's first few say nothing of its pace). */
    minBaselineClaims: z.number().int().min(1).max(1_000_000).default(10),
    /** Critical from this load, from twice raiseSlowdown, or from twice raiseHoursToClear. */
    criticalLoad: z.number().positive().max(100).default(2),
    ...commonThresholds,
    // A week of releases and claims is read each round (about 120 ms at 1,500 orders a day): every half minute.
    everySeconds: commonThresholds.everySeconds.default(30),
  })
  .refine((t) => t.clearLoad <= t.raiseLoad, { path: ['clearLoad'], message: 'must not be above raiseLoad' })
  .refine((t) => t.clearSlowdown <= t.raiseSlowdown, { path: ['clearSlowdown'], message: 'must not be above raiseSlowdown' })
  .refine((t) => t.clearHoursToClear <= t.raiseHoursToClear, { path: ['clearHoursToClear'], message: 'must not be above raiseHoursToClear' });
type Thresholds = z.infer<typeof Thresholds>;

interface LocationLoad extends Record<string, unknown> {
  location_id: string;
  code: string;
  kind: string;
  daily_capacity: number;
  backlog_shipments: number;
  backlog_units: number;
  floor_shipments: number;
  floor_units: number;
  arrived_shipments: number;
  arrived_units: number;
  cleared_shipments: number;
  cleared_units: number;
  /** Shipments whose every line was picked within the window: what the floor itself cleared. */
  picked_shipments?: number;
  /** Shipments waiting for a picker, the claims of the throughput window and their mean wait (hours). */
  unclaimed: number;
  recent_claims: number;
  recent_wait_hours: number | null;
  /** Mean hours from release to first claim over the baseline days (null: none claimed), and how many claims. */
  baseline_wait_hours: number | null;
  baseline_claims: number;
}

/** How far back a shipment handed over in the window may have been released (a vendor takes days). */
const RELEASED_WITHIN_DAYS = 3;
const HOUR_MS = 3_600_000;

/** Pure: what one location's counts say, per day and in hours, and whether it is a bottleneck (raise, or hold when live). */
export function assessLoad(r: LocationLoad, t: Thresholds, held: boolean) {
  const perDay = 24 / t.windowHours;
  const arrivalsPerDay = { shipments: r.arrived_shipments * perDay, units: r.arrived_units * perDay };
  const throughputPerDay = { shipments: r.cleared_shipments * perDay, units: r.cleared_units * perDay };
  // Capacity counts shipments, as sourcing spends it (units are shown, not compared).
  const load = r.daily_capacity > 0 ? arrivalsPerDay.shipments / r.daily_capacity : r.arrived_shipments > 0 ? Infinity : 0;
  // The floor clears at most its capacity and, measured, what it picked or handed over: a store's or
  // vendor's packed parcels wait a day or more for their collection, which is no slow floor.
  const pickedPerDay = (r.picked_shipments ?? 0) * perDay;
  const clearsPerDay = Math.min(r.daily_capacity, Math.max(throughputPerDay.shipments, pickedPerDay));
  const hoursToClear = r.floor_shipments === 0 ? 0 : clearsPerDay > 0 ? (r.floor_shipments / clearsPerDay) * 24 : Infinity;
  // The wait of the shipments claimed lately against the usual (work never claimed at all is for
  // hours-to-clear and stuck_orders: it would read a forgotten shipment as a slow floor).
  const waitHours = r.recent_wait_hours;
  const usual = r.baseline_claims >= t.minBaselineClaims && r.baseline_wait_hours && r.baseline_wait_hours > 0 ? r.baseline_wait_hours : null;
  const slowdown = waitHours !== null && usual !== null ? waitHours / usual : null;
  const overLoad = r.arrived_shipments >= t.minArrivals && load >= (held ? t.clearLoad : t.raiseLoad);
  const slower =
    slowdown !== null && r.recent_claims >= t.minClaims && slowdown >= (held ? t.clearSlowdown : t.raiseSlowdown) && waitHours! - usual! >= t.minExtraHours;
  const slow = r.floor_shipments >= t.minBacklog && hoursToClear >= (held ? t.clearHoursToClear : t.raiseHoursToClear);
  const critical = load >= t.criticalLoad || (slowdown ?? 0) >= 2 * t.raiseSlowdown || hoursToClear >= 2 * t.raiseHoursToClear;
  return { arrivalsPerDay, throughputPerDay, pickedPerDay, clearsPerDay, load, hoursToClear, waitHours, slowdown, growthPerDay: arrivalsPerDay.shipments - throughputPerDay.shipments, overLoad, slower, slow, critical };
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

/**
 * A location receiving work faster than it can clear it: shipments released to it over the
 * recent window against its daily capacity (a capacity cut shows at once, since the window still
 * holds the old rate); the shipments it claimed lately having waited far longer than usual for a
 * picker (a floor short of hands); or its floor backlog needing too many hours at the rate it
 * actually clears (its capacity, or what it handed over in the window if less).
 */
export const backlogGrowth = defineRule({
  key: 'backlog_growth',
  description: "A location's backlog grows faster than its capacity clears it, or would take too long to clear",
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const from = new Date(now.getTime() - t.windowHours * HOUR_MS);
    const claimsFrom = new Date(now.getTime() - t.throughputHours * HOUR_MS);
    const baselineFrom = new Date(claimsFrom.getTime() - t.baselineDays * 24 * HOUR_MS);
    // Shipments handed over or claimed in the windows may have been released days before (a vendor takes days).
    const releasedFrom = new Date(Math.min(from.getTime(), baselineFrom.getTime()) - RELEASED_WITHIN_DAYS * 24 * HOUR_MS);
    // Open work through shipments_open_idx; arrivals and hand-overs through the created_at index, bounded.
    const result = await db.execute<LocationLoad>(sql`
      with picked as (
        select s.id, s.location_id, s.status, s.created_at, s.shipped_at, s.updated_at from shipments s
        where s.status in ('pending', 'picking', 'packed')
        union
        select s.id, s.location_id, s.status, s.created_at, s.shipped_at, s.updated_at from shipments s
        where s.created_at >= ${releasedFrom} and s.created_at < ${now}
      ), units as (
        select p.*, l.units, l.claimed_at, l.picked_at
        from picked p cross join lateral (
          select coalesce(sum(sl.quantity), 0)::int as units, min(sl.pick_claimed_at) as claimed_at,
            case when bool_and(sl.picked_at is not null) then max(sl.picked_at) end as picked_at
          from shipment_lines sl where sl.shipment_id = p.id
        ) l
      ), per_location as (
        select location_id,
          count(*) filter (where status in ('pending', 'picking', 'packed'))::int as backlog_shipments,
          coalesce(sum(units) filter (where status in ('pending', 'picking', 'packed')), 0)::int as backlog_units,
          -- The flow: floor work released within the window (work forgotten for days is stuck_orders' to tell).
          count(*) filter (where status in ('pending', 'picking') and created_at >= ${from})::int as floor_shipments,
          coalesce(sum(units) filter (where status in ('pending', 'picking') and created_at >= ${from}), 0)::int as floor_units,
          count(*) filter (where created_at >= ${from} and status <> 'cancelled')::int as arrived_shipments,
          coalesce(sum(units) filter (where created_at >= ${from} and status <> 'cancelled'), 0)::int as arrived_units,
          count(*) filter (where shipped_at >= ${from} or (status in ('ready_for_pickup', 'picked_up') and updated_at >= ${from}))::int as cleared_shipments,
          coalesce(sum(units) filter (where shipped_at >= ${from} or (status in ('ready_for_pickup', 'picked_up') and updated_at >= ${from})), 0)::int as cleared_units,
          count(*) filter (where picked_at >= ${from} and picked_at < ${now})::int as picked_shipments,
          count(*) filter (where status in ('pending', 'picking') and claimed_at is null and created_at >= ${from})::int as unclaimed,
          count(*) filter (where claimed_at >= ${claimsFrom} and claimed_at < ${now})::int as recent_claims,
          (avg(extract(epoch from claimed_at - created_at)) filter (where claimed_at >= ${claimsFrom} and claimed_at < ${now}) / 3600)::float8 as recent_wait_hours,
          (avg(extract(epoch from claimed_at - created_at)) filter (where claimed_at >= ${baselineFrom} and claimed_at < ${claimsFrom}) / 3600)::float8 as baseline_wait_hours,
          count(*) filter (where claimed_at >= ${baselineFrom} and claimed_at < ${claimsFrom})::int as baseline_claims
        from units group by location_id
      )
      select l.id as location_id, l.code, l.kind, l.daily_capacity, p.backlog_shipments, p.backlog_units, p.floor_shipments, p.floor_units,
        p.arrived_shipments, p.arrived_units, p.cleared_shipments, p.cleared_units, p.picked_shipments, p.unclaimed, p.recent_claims, p.recent_wait_hours, p.baseline_wait_hours, p.baseline_claims
      from per_location p join locations l on l.id = p.location_id
      where l.active
      order by l.code`);

    const findings: Finding[] = [];
    for (const r of result.rows) {
      const subject = `location:${r.location_id}`;
      const a = assessLoad(r, t, live.has(subject));
      const { overLoad, slower, slow } = a;
      if (!overLoad && !slower && !slow) continue;
      // The backlog's orders, oldest first: what a reroute would take.
      const orders = await db.execute<{ order_id: string; total: number }>(sql`
        select order_id, (count(*) over ())::int as total from shipments
        where location_id = ${r.location_id} and status in ('pending', 'picking', 'packed')
        group by order_id order by min(created_at), order_id limit ${AFFECTED_CAP}`);
      const facts = [
        overLoad && `${Math.round(a.arrivalsPerDay.shipments)} shipments (${Math.round(a.arrivalsPerDay.units)} units) a day arrive against a capacity of ${r.daily_capacity} (load ${a.load.toFixed(2)})`,
        slower &&
          `the ${r.recent_claims} shipments claimed in the last ${t.throughputHours} h waited ${a.waitHours!.toFixed(1)} h for a picker, against ${r.baseline_wait_hours!.toFixed(1)} h usually (${r.unclaimed} waiting)`,
        slow && `its ${r.floor_shipments} shipments on the floor need ${Number.isFinite(a.hoursToClear) ? `${Math.round(a.hoursToClear)} h` : 'for ever'} at the ${Math.round(a.clearsPerDay)} a day it clears`,
      ].filter((f): f is string => typeof f === 'string');
      findings.push({
        subject,
        severity: a.critical ? 'critical' : severity,
        title: `Backlog at ${r.code} grows faster than it clears (${r.backlog_shipments} shipments open)`,
        detail: `${facts.join('; ')}; ${Math.round(a.throughputPerDay.shipments)} handed over a day over the last ${t.windowHours} h.`,
        locationId: r.location_id,
        affected: {
          locationId: r.location_id,
          orders: orders.rows.map((o) => o.order_id),
          ordersTotal: orders.rows[0]?.total ?? 0,
          shipmentsTotal: r.backlog_shipments,
          unitsTotal: r.backlog_units,
        },
        measured: {
          kind: r.kind,
          dailyCapacity: r.daily_capacity,
          windowHours: t.windowHours,
          load: round(a.load),
          arrivalsPerDay: { shipments: round(a.arrivalsPerDay.shipments, 1), units: round(a.arrivalsPerDay.units, 1) },
          throughputPerDay: { shipments: round(a.throughputPerDay.shipments, 1), units: round(a.throughputPerDay.units, 1) },
          pickedPerDay: round(a.pickedPerDay, 1),
          growthPerDay: round(a.growthPerDay, 1),
          backlog: { shipments: r.backlog_shipments, units: r.backlog_units, onFloorShipments: r.floor_shipments, onFloorUnits: r.floor_units },
          hoursToClear: round(a.hoursToClear, 1),
          waitingForPicker: r.unclaimed,
          claimsPerHour: round(r.recent_claims / t.throughputHours, 2),
          waitHours: a.waitHours === null ? null : round(a.waitHours, 1),
          usualWaitHours: r.baseline_wait_hours === null ? null : round(r.baseline_wait_hours, 1),
          slowdown: a.slowdown === null ? null : round(a.slowdown),
          reasons: [overLoad && 'load', slower && 'slowdown', slow && 'hours_to_clear'].filter(Boolean),
        },
      });
    }
    return findings;
  },
});

import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';
import { predictBreaches, type FloorStage, type OpenShipment } from './breach-predictor.ts';
import { handOverThresholds, type LocationKind } from './hand-over.ts';

const Thresholds = z
  .strictObject({
    /** The floor's pace now (claim wait, claims an hour, pick minutes a unit) is measured over the last hours… */
    throughputHours: z.number().min(0.5).max(168).default(6),
    /** …and its usual pace over the days before them. */
    baselineDays: z.number().min(1).max(60).default(7),
    /** Fewer claims than this in those hours: the queue at the location's capacity stands in for the claim wait. */
    minClaims: z.number().int().min(1).max(100_000).default(5),
    /** Minutes from a claim to a packed parcel of a few units, and from a full pick to it. */
    pickPackMinutes: z.number().min(0).max(10_000).default(30),
    packMinutes: z.number().min(0).max(10_000).default(15),
    /** Minutes to pick a unit where the floor's own pace is not measured (a case order of 150 units takes hours). */
    pickMinutesPerUnit: z.number().min(0).max(10_000).default(6),
    /**
     * A parcel counts towards the alert when it would make its promise at the usual pace even with
     * the claim wait this many hours longer: one that misses anyway (a case order, an order
     * released minutes before the cutoff) is the promise's own tightness, not the floor falling behind.
     */
    usualSlackHours: z.number().min(0).max(168).default(1),
    /** A location raises from this many open parcels predicted to miss their promised day that the usual pace would make… */
    minOrders: z.number().int().min(1).max(1_000_000).default(3),
    /** …when they are at least this share of its parcels (open ones, or released in the last 24 h if more)… */
    raiseShare: z.number().gt(0).max(1).default(0.05),
    /** …and a live alert holds until their share is under this (hysteresis). */
    clearShare: z.number().min(0).max(1).default(0.02),
    /** Critical from this many predicted misses, or from this share. */
    criticalOrders: z.number().int().min(1).max(1_000_000).default(25),
    criticalShare: z.number().gt(0).max(1).default(0.5),
    handOver: handOverThresholds,
    ...commonThresholds,
    everySeconds: commonThresholds.everySeconds.default(30),
  })
  .refine((t) => t.clearShare <= t.raiseShare, { path: ['clearShare'], message: 'must not be above raiseShare' });

interface OpenRow extends Record<string, unknown> {
  shipment_id: string;
  order_id: string;
  location_id: string;
  stage: FloorStage;
  released_at: Date | string;
  claimed_at: Date | string | null;
  packed_at: Date | string | null;
  placed_at: Date | string;
  promised_at: Date | string;
  units: number;
}

interface LocationRow extends Record<string, unknown> {
  id: string;
  code: string;
  kind: LocationKind;
  daily_capacity: number;
  claims: number;
  claim_wait_hours: number | null;
  usual_claims: number;
  usual_claim_wait_hours: number | null;
  picks: number;
  pick_minutes_per_unit: number | null;
  usual_picks: number;
  usual_pick_minutes_per_unit: number | null;
  day_parcels: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ms = (d: Date | string) => new Date(d).getTime();
const round = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));

/**
 * Open orders that will miss their promised delivery day, predicted before they do: each open
 * carrier shipment of a location is scored by breach-predictor.ts at the pace its floor works now
 * (the claim wait of its recent claims, its pick minutes a unit), and again at its usual pace (the
 * days before) with an hour of slack. A location alerts when enough of its parcels are predicted
 * late now that the usual pace would have made: a floor falling behind, which a capacity cut is,
 * and not the parcels every day misses by design (case orders picked for a day, orders released
 * minutes before the collection). The alert lists every parcel predicted late, with dates.
 */
export const promiseBreachRisk = defineRule({
  key: 'promise_breach_risk',
  description: 'Open orders at a location predicted to miss their promised delivery date at the pace its floor works now, which its usual pace would make',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const from = new Date(now.getTime() - t.throughputHours * HOUR_MS);
    const usualFrom = new Date(from.getTime() - t.baselineDays * DAY_MS);
    const dayFrom = new Date(now.getTime() - DAY_MS);
    // The floor's open parcels (shipments_open_idx), promised today or later: the ones already late are not predictions.
    const open = await db.execute<OpenRow>(sql`
      select s.id as shipment_id, s.order_id, s.location_id, s.created_at as released_at, o.placed_at, s.promised_at,
        case when s.status = 'packed' then 'hand_over'
             when bool_and(sl.picked_at is not null) then 'pack'
             when bool_or(sl.pick_claimed_at is not null) then 'pick'
             else 'claim' end as stage,
        min(sl.pick_claimed_at) as claimed_at,
        case when s.status = 'packed' then s.updated_at end as packed_at,
        sum(sl.quantity)::int as units
      from shipments s join shipment_lines sl on sl.shipment_id = s.id join orders o on o.id = s.order_id
      where s.status in ('pending', 'picking', 'packed') and s.carrier is not null and s.promised_at >= ${now}
        and o.status not in ('on_hold', 'cancelled')
      group by s.id, o.placed_at`);
    if (open.rows.length === 0) return [];
    const locationIds = [...new Set(open.rows.map((r) => r.location_id))];
    // The pace of the window and of the days before it, from the shipments released since
    // (shipments_created_location_idx): each one's first claim and, fully picked, its last pick.
    const locations = await db.execute<LocationRow>(sql`
      with worked as (
        select s.location_id, s.created_at as released_at, s.carrier, min(sl.pick_claimed_at) as claimed_at,
          case when bool_and(sl.picked_at is not null) then max(sl.picked_at) end as picked_at, sum(sl.quantity) as units
        from shipments s join shipment_lines sl on sl.shipment_id = s.id
        where s.created_at >= ${usualFrom} and s.created_at < ${now} and s.location_id = any(${sql.param(locationIds)}::uuid[])
        group by s.id
      ), paced as (
        select location_id, released_at, carrier, claimed_at, picked_at,
          extract(epoch from claimed_at - released_at) / 3600 as wait_hours,
          extract(epoch from picked_at - claimed_at) / 60 / greatest(units, 1) as unit_minutes,
          claimed_at >= ${from} and claimed_at < ${now} as claimed_now, claimed_at < ${from} as claimed_before,
          picked_at >= ${from} and picked_at < ${now} and claimed_at is not null as picked_now,
          picked_at < ${from} and claimed_at is not null as picked_before
        from worked
      ), pace as (
        select location_id,
          count(*) filter (where claimed_now)::int as claims,
          percentile_cont(0.5) within group (order by wait_hours) filter (where claimed_now) as claim_wait_hours,
          count(*) filter (where claimed_before)::int as usual_claims,
          percentile_cont(0.5) within group (order by wait_hours) filter (where claimed_before) as usual_claim_wait_hours,
          count(*) filter (where picked_now)::int as picks,
          percentile_cont(0.5) within group (order by unit_minutes) filter (where picked_now) as pick_minutes_per_unit,
          count(*) filter (where picked_before)::int as usual_picks,
          percentile_cont(0.5) within group (order by unit_minutes) filter (where picked_before) as usual_pick_minutes_per_unit,
          count(*) filter (where released_at >= ${dayFrom} and carrier is not null)::int as day_parcels
        from paced group by location_id
      )
      select l.id, l.code, l.kind, l.daily_capacity,
        coalesce(p.claims, 0) as claims, p.claim_wait_hours, coalesce(p.usual_claims, 0) as usual_claims, p.usual_claim_wait_hours,
        coalesce(p.picks, 0) as picks, p.pick_minutes_per_unit, coalesce(p.usual_picks, 0) as usual_picks, p.usual_pick_minutes_per_unit,
        coalesce(p.day_parcels, 0) as day_parcels
      from locations l left join pace p on p.location_id = l.id
      where l.id = any(${sql.param(locationIds)}::uuid[])`);

    const findings: Finding[] = [];
    for (const loc of locations.rows) {
      const shipments: OpenShipment[] = open.rows
        .filter((r) => r.location_id === loc.id)
        .map((r) => ({
          shipmentId: r.shipment_id,
          orderId: r.order_id,
          stage: r.stage,
          releasedAtMs: ms(r.released_at),
          claimedAtMs: r.claimed_at === null ? null : ms(r.claimed_at),
          packedAtMs: r.packed_at === null ? null : ms(r.packed_at),
          placedAtMs: ms(r.placed_at),
          promisedAtMs: ms(r.promised_at),
          units: r.units,
        }));
      const measured = (count: number, value: number | null) => (count >= t.minClaims && value !== null ? Number(value) : null);
      const claimWaitHours = measured(loc.claims, loc.claim_wait_hours);
      const usualWaitHours = measured(loc.usual_claims, loc.usual_claim_wait_hours);
      const claimsPerHour = loc.claims >= t.minClaims ? loc.claims / t.throughputHours : null;
      const capacityPerHour = loc.daily_capacity / 24;
      const handOver = t.handOver[loc.kind];
      const predictions = predictBreaches(
        shipments,
        { claimWaitHours, claimsPerHour, capacityPerHour, pickMinutesPerUnit: measured(loc.picks, loc.pick_minutes_per_unit) },
        t,
        handOver,
        now.getTime(),
      );
      // The same parcels at the usual pace, with slack: what misses even then is not the floor falling behind.
      const lateAnyway =
        usualWaitHours === null
          ? new Set<string>()
          : new Set(
              predictBreaches(
                shipments,
                { claimWaitHours: usualWaitHours + t.usualSlackHours, claimsPerHour: null, capacityPerHour, pickMinutesPerUnit: measured(loc.usual_picks, loc.usual_pick_minutes_per_unit) },
                t,
                handOver,
                now.getTime(),
              )
                .filter((p) => p.daysLate > 0)
                .map((p) => p.shipmentId),
            );
      // A packed parcel past its collection is late already, not predicted (stuck_orders tells it).
      const late = predictions.filter((p) => p.daysLate > 0 && p.stage !== 'hand_over').sort((a, b) => b.daysLate - a.daysLate || a.promisedDate.localeCompare(b.promisedDate) || a.orderId.localeCompare(b.orderId));
      const behind = late.filter((p) => !lateAnyway.has(p.shipmentId));
      // Against the day's parcels too: after the evening collection the few left open are no measure of a day.
      const parcels = Math.max(predictions.length, loc.day_parcels);
      const share = behind.length / parcels;
      const subject = `location:${loc.id}`;
      const holds = live.has(subject) ? behind.length > 0 && share >= t.clearShare : behind.length >= t.minOrders && share >= t.raiseShare;
      if (!holds) continue;
      const orders = [...new Set([...behind, ...late].map((p) => p.orderId))];
      const byStage = Object.fromEntries((['claim', 'pick', 'pack', 'hand_over'] as const).map((stage) => [stage, behind.filter((p) => p.stage === stage).length]));
      const pace =
        claimWaitHours === null
          ? `too few claims in the last ${t.throughputHours} h to time its floor, so its capacity of ${loc.daily_capacity} a day stands in`
          : `its floor claims a parcel ${claimWaitHours.toFixed(1)} h after release${usualWaitHours === null ? '' : ` (usually ${usualWaitHours.toFixed(1)} h)`}`;
      findings.push({
        subject,
        severity: behind.length >= t.criticalOrders || share >= t.criticalShare ? 'critical' : severity,
        title: `${orders.length} ${orders.length === 1 ? 'order' : 'orders'} at ${loc.code} will miss their promised date`,
        detail:
          `${behind.length} open parcels are predicted late that its usual pace would make (${(share * 100).toFixed(0)}% of ${parcels})` +
          `${late.length > behind.length ? `, ${late.length - behind.length} more late anyway` : ''}: ${pace}; ${byStage['claim']} still wait for a picker.`,
        locationId: loc.id,
        affected: {
          locationId: loc.id,
          orders: orders.slice(0, AFFECTED_CAP),
          ordersTotal: orders.length,
          predictions: [...behind, ...late.filter((p) => lateAnyway.has(p.shipmentId))]
            .slice(0, AFFECTED_CAP)
            .map((p) => ({ orderId: p.orderId, shipmentId: p.shipmentId, stage: p.stage, promisedDate: p.promisedDate, predictedDate: p.predictedDate, lateAtUsualPace: lateAnyway.has(p.shipmentId) })),
        },
        measured: {
          kind: loc.kind,
          openParcels: predictions.length,
          dayParcels: loc.day_parcels,
          predictedLate: late.length,
          behindUsualPace: behind.length,
          share: Number(share.toFixed(3)),
          byStage,
          claimWaitHours: round(claimWaitHours, 2),
          usualClaimWaitHours: round(usualWaitHours, 2),
          claimsPerHour: round(claimsPerHour, 2),
          pickMinutesPerUnit: round(measured(loc.picks, loc.pick_minutes_per_unit), 1),
          maxDaysLate: Number.isFinite(behind[0]!.daysLate) ? behind[0]!.daysLate : null,
        },
      });
    }
    return findings;
  },
});

import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';
import { predictBreaches, type FloorStage, type OpenShipment } from './breach-predictor.ts';
import { handOverThresholds, type LocationKind } from './hand-over.ts';

const Thresholds = z
  .strictObject({
    /** The floor's claim throughput is measured over the last hours. */
    throughputHours: z.number().min(0.5).max(168).default(6),
    /** Fewer claims than this in those hours: the location's capacity stands in for the rate. */
    minClaims: z.number().int().min(1).max(100_000).default(5),
    /** Minutes from a claim to a packed parcel, and from a full pick to it. */
    pickPackMinutes: z.number().min(0).max(10_000).default(45),
    packMinutes: z.number().min(0).max(10_000).default(15),
    /** A location raises from this many open parcels predicted to miss their promised day… */
    minOrders: z.number().int().min(1).max(1_000_000).default(5),
    /** …when they are at least this share of its open parcels… */
    raiseShare: z.number().gt(0).max(1).default(0.2),
    /** …and a live alert holds until their share is under this (hysteresis). */
    clearShare: z.number().min(0).max(1).default(0.1),
    /** Critical from this many predicted misses, or from half of the open parcels. */
    criticalOrders: z.number().int().min(1).max(1_000_000).default(25),
    criticalShare: z.number().gt(0).max(1).default(0.5),
    handOver: handOverThresholds,
    ...commonThresholds,
  })
  .refine((t) => t.clearShare <= t.raiseShare, { path: ['clearShare'], message: 'must not be above raiseShare' });

interface OpenRow extends Record<string, unknown> {
  shipment_id: string;
  order_id: string;
  location_id: string;
  stage: FloorStage;
  released_at: Date | string;
  packed_at: Date | string | null;
  placed_at: Date | string;
  promised_at: Date | string;
}

interface LocationRow extends Record<string, unknown> {
  id: string;
  code: string;
  kind: LocationKind;
  daily_capacity: number;
  claims: number;
}

const HOUR_MS = 3_600_000;
/** How long before the throughput window a shipment claimed in it may have been released (a vendor claims within days). */
const RELEASED_WITHIN_DAYS = 7;
const ms = (d: Date | string) => new Date(d).getTime();

/**
 * Open orders that will miss their promised delivery day, predicted before they do: each open
 * carrier shipment of a location is scored by breach-predictor.ts from its queue position and
 * the floor's measured claim throughput, the remaining stage times, the collection it will make
 * and the transit its promise assumed. A location alerts when enough of its open parcels are
 * predicted late; the alert lists them with predicted and promised dates.
 */
export const promiseBreachRisk = defineRule({
  key: 'promise_breach_risk',
  description: 'Open orders at a location predicted to miss their promised delivery date at the pace its floor works now',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const from = new Date(now.getTime() - t.throughputHours * HOUR_MS);
    const releasedFrom = new Date(from.getTime() - RELEASED_WITHIN_DAYS * 24 * HOUR_MS);
    // The floor's open parcels (shipments_open_idx), promised today or later: the ones already late are not predictions.
    const open = await db.execute<OpenRow>(sql`
      select s.id as shipment_id, s.order_id, s.location_id, s.created_at as released_at, o.placed_at, s.promised_at,
        case when s.status = 'packed' then 'hand_over'
             when bool_and(sl.picked_at is not null) then 'pack'
             when bool_or(sl.pick_claimed_at is not null) then 'pick'
             else 'claim' end as stage,
        case when s.status = 'packed' then s.updated_at end as packed_at
      from shipments s join shipment_lines sl on sl.shipment_id = s.id join orders o on o.id = s.order_id
      where s.status in ('pending', 'picking', 'packed') and s.carrier is not null and s.promised_at >= ${now}
        and o.status not in ('on_hold', 'cancelled')
      group by s.id, o.placed_at`);
    if (open.rows.length === 0) return [];
    const locationIds = [...new Set(open.rows.map((r) => r.location_id))];
    // Claims of the window: shipments released within a week before it, by their first claimed line.
    const locations = await db.execute<LocationRow>(sql`
      select l.id, l.code, l.kind, l.daily_capacity, coalesce(c.claims, 0)::int as claims
      from locations l left join (
        select location_id, count(*) as claims from (
          select s.location_id, min(sl.pick_claimed_at) as claimed_at
          from shipments s join shipment_lines sl on sl.shipment_id = s.id
          where s.created_at >= ${releasedFrom} and s.created_at < ${now} and s.location_id = any(${sql.param(locationIds)}::uuid[])
          group by s.id
        ) firsts where claimed_at >= ${from} and claimed_at < ${now}
        group by location_id
      ) c on c.location_id = l.id
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
          packedAtMs: r.packed_at === null ? null : ms(r.packed_at),
          placedAtMs: ms(r.placed_at),
          promisedAtMs: ms(r.promised_at),
        }));
      const claimsPerHour = loc.claims >= t.minClaims ? loc.claims / t.throughputHours : null;
      const predictions = predictBreaches(shipments, { claimsPerHour, capacityPerHour: loc.daily_capacity / 24 }, t, t.handOver[loc.kind], now.getTime());
      // A packed parcel past its collection is late already, not predicted (stuck_orders tells it).
      const late = predictions.filter((p) => p.daysLate > 0 && p.stage !== 'hand_over').sort((a, b) => b.daysLate - a.daysLate || a.promisedDate.localeCompare(b.promisedDate) || a.orderId.localeCompare(b.orderId));
      const share = late.length / predictions.length;
      const subject = `location:${loc.id}`;
      const holds = live.has(subject) ? late.length > 0 && share >= t.clearShare : late.length >= t.minOrders && share >= t.raiseShare;
      if (!holds) continue;
      const orders = [...new Set(late.map((p) => p.orderId))];
      const byStage = Object.fromEntries((['claim', 'pick', 'pack', 'hand_over'] as const).map((stage) => [stage, late.filter((p) => p.stage === stage).length]));
      const waitHours = claimsPerHour === null ? null : Number((shipments.filter((s) => s.stage === 'claim').length / claimsPerHour).toFixed(1));
      findings.push({
        subject,
        severity: late.length >= t.criticalOrders || share >= t.criticalShare ? 'critical' : severity,
        title: `${orders.length} ${orders.length === 1 ? 'order' : 'orders'} at ${loc.code} will miss their promised date`,
        detail:
          `${late.length} of ${predictions.length} open parcels are predicted late (${(share * 100).toFixed(0)}%): ` +
          `${claimsPerHour === null ? `too few claims in the last ${t.throughputHours} h, so its capacity of ${loc.daily_capacity} a day stands in` : `the floor claims ${claimsPerHour.toFixed(1)} an hour, so its queue waits ${waitHours} h`}` +
          `; ${byStage['claim']} still wait for a picker.`,
        locationId: loc.id,
        affected: {
          locationId: loc.id,
          orders: orders.slice(0, AFFECTED_CAP),
          ordersTotal: orders.length,
          predictions: late.slice(0, AFFECTED_CAP).map((p) => ({ orderId: p.orderId, shipmentId: p.shipmentId, stage: p.stage, promisedDate: p.promisedDate, predictedDate: p.predictedDate })),
        },
        measured: {
          kind: loc.kind,
          openParcels: predictions.length,
          predictedLate: late.length,
          share: Number(share.toFixed(3)),
          byStage,
          claimsPerHour: claimsPerHour === null ? null : Number(claimsPerHour.toFixed(2)),
          queueWaitHours: waitHours,
          maxDaysLate: Number.isFinite(late[0]!.daysLate) ? late[0]!.daysLate : null,
        },
      });
    }
    return findings;
  },
});

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { Disruption, DisruptionKind } from '#server/simulator/disruptions.ts';
import { ordinal, type DetectabilityCheck } from './detectability.ts';

/** The rule each kind of disruption must raise, and on which subject (issue 9). */
export const EXPECTED_RULES: Record<DisruptionKind, readonly string[]> = {
  carrier_slowdown: ['carrier_delay'],
  capacity_loss: ['backlog_growth', 'promise_breach_risk'],
  stock_out: ['stock_out_risk'],
};

/**
 * Alerts a disruption explains besides its expected ones, so they are not counted as false:
 * orders stuck at a location that lost capacity; stock-out risk of the same SKU elsewhere (its
 * demand moves to the other locations).
 */
export const CONSEQUENCE_RULES: Record<DisruptionKind, readonly string[]> = {
  carrier_slowdown: [],
  capacity_loss: ['stuck_orders'],
  stock_out: ['stock_out_risk'],
};

/** How long after its end a disruption still explains alerts: late parcels arrive, backlogs drain. */
export const LINGER_MS: Record<DisruptionKind, number> = {
  carrier_slowdown: 4 * 86_400_000,
  capacity_loss: 86_400_000,
  stock_out: 86_400_000,
};

/**
 * Whether an alert's subject names what the disruption hit: `carrier:<name>` (or a finer
 * `carrier:<name>…` with a service), `location:<id>`, `sku:<sku>@<locationId>`. `sameSkuAnywhere`
 * accepts the SKU at any location (a consequence, not the expected subject, of a local stock-out).
 */
export function subjectMatches(d: Disruption, subject: string, locationIdByCode: ReadonlyMap<string, string>, sameSkuAnywhere = false): boolean {
  if (d.kind === 'carrier_slowdown') {
    const prefix = `carrier:${d.carrier}`;
    return subject === prefix || (subject.startsWith(prefix) && !/[\w-]/.test(subject[prefix.length]!));
  }
  if (d.kind === 'capacity_loss') return subject === `location:${locationIdByCode.get(d.locationCode)}`;
  if (!subject.startsWith(`sku:${d.sku}@`)) return false;
  return sameSkuAnywhere || d.locationCode === null || subject === `sku:${d.sku}@${locationIdByCode.get(d.locationCode)}`;
}

/**
 * An extra (kind → rule) pair to measure, with its own moment of detectability: lets the harness
 * be checked against rules that exist before the expected ones land (e.g. capacity_loss →
 * stuck_orders, detectable when an order at the location has waited its pick SLA).
 */
export interface StandInExpectation {
  kind: DisruptionKind;
  rule: string;
  check(d: Disruption, locationIdByCode: ReadonlyMap<string, string>): DetectabilityCheck;
}

/**
 * capacity_loss → stuck_orders: the moment the `minOrders`-th order released to the location
 * since the cut has waited to be picked longer than its pick SLA: `pickHours` plus
 * `pickMinutesPerUnit` for each unit beyond `slaUnits` (stuck_orders' warehouse SLA and minimum).
 * Exact: that release moment plus the SLA.
 */
export function stuckPickStandIn(pickHours = 4, minOrders = 3, slaUnits = 10, pickMinutesPerUnit = 15): StandInExpectation {
  return {
    kind: 'capacity_loss',
    rule: 'stuck_orders',
    check(d, locationIdByCode) {
      if (d.kind !== 'capacity_loss') throw new Error('stuck_orders stands in for capacity_loss only');
      const locationId = locationIdByCode.get(d.locationCode)!;
      const startMs = Date.parse(`${d.start}T00:00:00.000Z`);
      const slaMs = pickHours * 3_600_000;
      return {
        disruption: d,
        definition: `the ${ordinal(minOrders)} order released to ${d.locationCode} since the cut waits to be picked longer than ${pickHours} h (${pickMinutesPerUnit} min more a unit beyond ${slaUnits})`,
        async check(db: Executor, atMs: number) {
          // Each shipment's own SLA (units beyond slaUnits add minutes); the order's moment is its earliest shipment's breach.
          const { rows } = await db.execute<{ late_at: string | null }>(sql`
            with released as (
              select s.id, s.order_id, s.created_at,
                s.created_at + ${`${pickHours} hours`}::interval + greatest(sum(sl.quantity) - ${slaUnits}, 0) * ${`${pickMinutesPerUnit} minutes`}::interval as due_at,
                bool_or(sl.picked_at is null) as unpicked, max(sl.picked_at) as picked_at
              from shipments s join shipment_lines sl on sl.shipment_id = s.id join orders o on o.id = s.order_id
              where s.location_id = ${locationId} and s.created_at >= ${new Date(startMs)} and s.created_at < ${new Date(atMs - slaMs)}
                and o.status not in ('on_hold', 'cancelled') and s.status <> 'cancelled'
              group by s.id
            )
            select min(due_at) as late_at from released
            where due_at < ${new Date(atMs)} and (unpicked or picked_at > due_at)
            group by order_id order by late_at offset ${minOrders - 1} limit 1`);
          return rows[0]?.late_at ? new Date(rows[0].late_at) : null;
        },
      };
    },
  };
}

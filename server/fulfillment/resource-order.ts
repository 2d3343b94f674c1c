import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { EventType } from '#server/core/events.ts';
import { reservationStatements, requirePlannedReservation, type ReservationRow } from '#server/inventory/reserve-stock.ts';
import { canTransition } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import { resourceAfterRejection } from '#server/sourcing/resource-after-rejection.ts';
import type { RejectionReason, SourcingDecision } from '#server/sourcing/sourcing.types.ts';
import type { RerouteResult } from './fulfillment.schemas.ts';
import { loadOrderSourcingState } from './order-sourcing-request.ts';
import { storeSourcingDecision } from './store-sourcing-decision.ts';

export interface Resourcing {
  orderId: string;
  orderStatus: OrderStatus;
  /** The location that rejected, or that a manager takes the units from. */
  locationId: string;
  reason: RejectionReason;
  /** What the event and the result call it (`manager_reroute` for a manager's). */
  eventReason: string;
  /** Units per order line index the location hands back (its reservations are released here). */
  handBack: ReadonlyMap<number, number>;
  /** A manager's target: every other location is left out of the new decision. */
  onlyLocationId?: string | undefined;
  at: Date;
  policy: SourcingPolicy;
  actorId: string | null;
}

/** Order statuses whose units may be re-sourced (a held order keeps its hold; the rest is past sending). */
export const REROUTABLE: readonly OrderStatus[] = ['allocated', 'picking', 'backordered'];

type Key = string;
const key = (lineIndex: number, locationId: string): Key => `${lineIndex}/${locationId}`;

/**
 * The shared machinery of a rejection and a manager's reroute, inside the caller's transaction
 * (order and shipments locked, shipment lines already reduced by the caller): rebuilds the
 * original request, asks the engine again, releases the handed-back reservations, corrects the
 * location's on-hand for a short pick or damage, reserves the new allocations, opens shipments
 * for them, marks what nothing can supply backordered, stores the decision (the prior ones kept
 * in its `history`) and writes `order.rerouted`.
 */
export async function resourceOrder(tx: Executor, input: Resourcing): Promise<RerouteResult> {
  const state = await loadOrderSourcingState(tx, input.orderId, input.at);
  const { prior, lines } = state;
  const givenAt = unitsAt(prior.shipments, input.locationId);
  // The engine checks the rejecting location's units against its own decision: keep within them.
  const handBack = new Map<number, number>();
  for (const [lineIndex, units] of input.handBack) handBack.set(lineIndex, Math.min(units, givenAt.get(lineIndex) ?? 0));
  const partial = input.reason === 'short_pick' || input.reason === 'damaged';
  const request = input.onlyLocationId
    ? { ...state.request, locations: state.request.locations.map((l) => (l.id === input.onlyLocationId || l.id === input.locationId ? l : { ...l, active: false })) }
    : state.request;
  const decision = resourceAfterRejection(request, input.policy, prior, {
    locationId: input.locationId,
    reason: input.reason,
    at: input.at,
    ...(partial ? { lines: [...givenAt].map(([lineIndex, given]) => ({ lineIndex, fulfillableQuantity: given - (handBack.get(lineIndex) ?? 0) })) } : {}),
  });

  await releaseHandedBack(tx, input, lines, handBack);

  // What stays where it was: the prior decision less what was handed back.
  const kept = new Map<Key, number>();
  for (const s of prior.shipments) for (const l of s.lines) kept.set(key(l.lineIndex, s.locationId), (kept.get(key(l.lineIndex, s.locationId)) ?? 0) + l.quantity);
  for (const [lineIndex, units] of handBack) kept.set(key(lineIndex, input.locationId), (kept.get(key(lineIndex, input.locationId)) ?? 0) - units);
  const moved: RerouteResult['moved'] = [];
  const target = new Map<Key, { lineIndex: number; sku: string; locationId: string; quantity: number }>();
  for (const s of decision.shipments) {
    for (const l of s.lines) {
      const k = key(l.lineIndex, s.locationId);
      const t = target.get(k) ?? { lineIndex: l.lineIndex, sku: l.sku, locationId: s.locationId, quantity: 0 };
      t.quantity += l.quantity;
      target.set(k, t);
    }
  }
  for (const [k, t] of target) {
    const extra = t.quantity - Math.max(0, kept.get(k) ?? 0);
    if (extra > 0) moved.push({ ...t, quantity: extra });
  }
  moved.sort((a, b) => a.lineIndex - b.lineIndex || (a.locationId < b.locationId ? -1 : 1));

  if (moved.length > 0) {
    const rows: ReservationRow[] = moved.map((m) => ({
      order_id: input.orderId, line_id: lines[m.lineIndex]!.id, sku: m.sku, location_id: m.locationId, quantity: m.quantity, occurred_at: input.at.toISOString(),
    }));
    await tx.execute(sql`with ${reservationStatements(rows)} select ${requirePlannedReservation()} as ok`);
  }
  const shipmentIds = await openShipments(tx, input, decision, moved, lines, state.deliveryService);

  const backordered: RerouteResult['backordered'] = [];
  for (const line of lines) {
    const more = (decision.shortByLine.get(line.lineIndex) ?? 0) - (prior.shortByLine.get(line.lineIndex) ?? 0);
    if (more > 0) backordered.push({ lineIndex: line.lineIndex, sku: line.sku, quantity: more });
  }
  await backorderOnLines(tx, lines, backordered);
  const orderStatus = await settleOrderStatus(tx, input, moved.length > 0, backordered.length > 0);

  await storeSourcingDecision(tx, input.orderId, decision, state.stored);

  await appendEvents(tx, [
    orderReroutedEvent(input, {
      units: [...handBack.values()].reduce((sum, n) => sum + n, 0),
      moved,
      backordered,
      fromStatus: input.orderStatus,
      orderStatus,
      promisedDate: decision.promisedDate,
      actorId: input.actorId,
    }),
  ]);
  return { orderId: input.orderId, orderStatus, fromLocationId: input.locationId, reason: input.eventReason, moved, backordered, promisedDate: decision.promisedDate, shipmentIds };
}

function unitsAt(shipments: SourcingDecision['shipments'], locationId: string): Map<number, number> {
  const units = new Map<number, number>();
  for (const s of shipments) if (s.locationId === locationId) for (const l of s.lines) units.set(l.lineIndex, (units.get(l.lineIndex) ?? 0) + l.quantity);
  return units;
}

/**
 * Gives back the handed-back units' reservations at the location (an allocation partly kept
 * is stamped released and written again for what stays), then corrects on-hand: a short pick
 * is a count (a store holds no more than what is still reserved there; elsewhere the units not
 * found are gone), damage a write-off.
 */
export async function releaseHandedBack(tx: Executor, input: Pick<Resourcing, 'orderId' | 'locationId' | 'reason' | 'eventReason' | 'at'>, lines: { id: string; sku: string }[], handBack: ReadonlyMap<number, number>): Promise<void> {
  const note = `${input.eventReason} of order ${input.orderId}`;
  const bySku = new Map<string, number>();
  for (const [lineIndex, units] of [...handBack].sort(([a], [b]) => a - b)) {
    if (units <= 0) continue;
    const line = lines[lineIndex]!;
    const released = await tx.execute<{ quantity: number }>(sql`
      update order_allocations set released_at = ${input.at}
      where order_id = ${input.orderId} and order_line_id = ${line.id} and location_id = ${input.locationId} and released_at is null
      returning quantity`);
    const total = released.rows.reduce((sum, r) => sum + r.quantity, 0);
    const take = Math.min(units, total);
    if (total - take > 0) {
      await tx.execute(sql`
        insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
        values (${input.orderId}, ${line.id}, ${line.sku}, ${input.locationId}, ${total - take}, ${input.at})`);
    }
    bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + take);
  }
  for (const [sku, units] of [...bySku].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (units === 0) continue;
    await tx.execute(sql`
      update inventory_levels set reserved = reserved - ${units}, updated_at = now() where sku = ${sku} and location_id = ${input.locationId}`);
    await tx.execute(sql`
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, note, occurred_at)
      values (${sku}, ${input.locationId}, ${-units}, 'release', ${input.orderId}, ${note}, ${input.at})`);
    if (input.reason === 'damaged') {
      await tx.execute(sql`
        with level as (
          update inventory_levels set on_hand = on_hand - ${units}, updated_at = now() where sku = ${sku} and location_id = ${input.locationId} returning 1
        )
        insert into inventory_ledger (sku, location_id, on_hand_delta, reason, order_id, note, occurred_at)
        values (${sku}, ${input.locationId}, ${-units}, 'damage', ${input.orderId}, ${note}, ${input.at})`);
    }
    if (input.reason === 'short_pick') {
      // A store's shelf was looked at: it holds no more than what is still reserved there. A
      // warehouse's units sit in many bins, so one empty bin writes off only the units not found
      // (never below what other orders hold): counting the whole level down wiped hundreds of
      // units a pick and left a fifth of a busy day's orders refused out of stock (RESULTS.md).
      await tx.execute(sql`
        with before as (
          select l.on_hand, case when loc.kind = 'store' then l.reserved else greatest(l.on_hand - ${units}, l.reserved) end as counted
          from inventory_levels l join locations loc on loc.id = l.location_id
          where l.sku = ${sku} and l.location_id = ${input.locationId}
        ), level as (
          update inventory_levels l set on_hand = b.counted, updated_at = now() from before b
          where l.sku = ${sku} and l.location_id = ${input.locationId} and b.on_hand > b.counted
          returning 1
        )
        insert into inventory_ledger (sku, location_id, on_hand_delta, reason, order_id, note, occurred_at)
        select ${sku}, ${input.locationId}, b.counted - b.on_hand, 'count', ${input.orderId}, ${`${note}: ${units} unit(s) not found`}, ${input.at}
        from before b where b.on_hand > b.counted`);
    }
  }
}

/**
 * The moved units go on a pending shipment the order already has at that location, else on a
 * new one numbered after the order's last, with the carrier and promise of the new decision.
 * An order not yet released has no shipments: the release loop makes them from the allocations.
 */
async function openShipments(
  tx: Executor,
  input: Resourcing,
  decision: SourcingDecision,
  moved: RerouteResult['moved'],
  lines: { id: string }[],
  deliveryService: 'standard' | 'express',
): Promise<string[]> {
  const existing = await tx.execute<{ id: string; number: number; location_id: string; status: string }>(sql`
    select id, number, location_id, status::text from shipments where order_id = ${input.orderId} order by number`);
  if (existing.rows.length === 0 || moved.length === 0) return [];
  let next = Math.max(...existing.rows.map((s) => s.number)) + 1;
  const ids: string[] = [];
  for (const locationId of [...new Set(moved.map((m) => m.locationId))]) {
    const here = moved.filter((m) => m.locationId === locationId);
    let id = existing.rows.find((s) => s.location_id === locationId && s.status === 'pending')?.id;
    if (!id) {
      const planned = decision.shipments.find((s) => s.locationId === locationId);
      const units = here.reduce((sum, m) => sum + m.quantity, 0);
      const created = await tx.execute<{ id: string }>(sql`
        insert into shipments (order_id, number, location_id, carrier, service, promised_at, pick_pack_cost_cents, created_at, updated_at)
        select ${input.orderId}, ${next}, ${locationId}, ${planned?.carrier ?? null}, ${planned?.service ?? deliveryService}::delivery_service,
          ${planned ? `${planned.promisedDate}T23:59:59.999Z` : null}::timestamptz, l.pick_cost_cents * ${units} + l.pack_cost_cents, ${input.at}, ${input.at}
        from locations l where l.id = ${locationId}
        returning id`);
      id = created.rows[0]!.id;
      next += 1;
    }
    for (const m of here) {
      await tx.execute(sql`insert into shipment_lines (shipment_id, order_line_id, sku, quantity) values (${id}, ${lines[m.lineIndex]!.id}, ${m.sku}, ${m.quantity})`);
    }
    ids.push(id);
  }
  return ids;
}

/**
 * Back to allocated when no shipment of the order has started any more; backordered when units
 * went short and the transition table allows it from there (an order with a shipment already
 * picking or further keeps its status: its lines' backordered units say what waits). A packed
 * order whose units moved or went short is picking again: it is no longer all packed.
 */
async function settleOrderStatus(tx: Executor, input: Resourcing, moved: boolean, short: boolean): Promise<OrderStatus> {
  const started = await tx.execute<{ n: number }>(sql`
    select count(*)::int as n from shipments where order_id = ${input.orderId} and status not in ('pending', 'cancelled')`);
  let status = input.orderStatus;
  if (status === 'picking' && started.rows[0]!.n === 0 && canTransition(status, 'allocated')) status = 'allocated';
  if (status === 'packed' && (moved || short)) status = 'picking';
  if (short && canTransition(status, 'backordered')) status = 'backordered';
  if (status !== input.orderStatus) {
    await tx.execute(sql`update orders set status = ${status}, updated_at = ${input.at} where id = ${input.orderId}`);
  }
  return status;
}

/** Adds units that no location could take to their lines' backorders (never past the line's quantity), in one statement. */
export async function backorderOnLines(
  tx: Executor,
  lines: readonly { id: string }[],
  backordered: readonly { lineIndex: number; quantity: number }[],
): Promise<void> {
  if (backordered.length === 0) return;
  await tx.execute(sql`
    update order_lines l set backordered_quantity = least(l.quantity, l.backordered_quantity + b.quantity)
    from unnest(${sql.param(backordered.map((b) => lines[b.lineIndex]!.id))}::uuid[], ${sql.param(backordered.map((b) => b.quantity))}::int[]) as b(id, quantity)
    where l.id = b.id`);
}

/** `order.rerouted`: units handed back by a location, where they went and what went short. */
export function orderReroutedEvent(
  input: { orderId: string; locationId: string; eventReason: string; at: Date },
  outcome: {
    units: number;
    moved: readonly { locationId: string }[];
    backordered: RerouteResult['backordered'];
    fromStatus: OrderStatus;
    orderStatus: OrderStatus;
    promisedDate: string | null;
    actorId: string | null;
  },
): NewEvent {
  return {
    type: EventType.orderRerouted,
    aggregateType: 'order',
    aggregateId: input.orderId,
    occurredAt: input.at,
    payload: {
      fromLocationId: input.locationId,
      toLocationIds: [...new Set(outcome.moved.map((m) => m.locationId))],
      reason: input.eventReason,
      units: outcome.units,
      moved: outcome.moved,
      // Not an order.backordered: analytics count that event's units as new demand, and these were counted at placement.
      backordered: outcome.backordered,
      fromStatus: outcome.fromStatus,
      orderStatus: outcome.orderStatus,
      promisedDate: outcome.promisedDate,
      actorId: outcome.actorId,
    },
  };
}

import { placeOrderBody, type SimulatedOrder } from '../daily-orders.ts';
import { planShipment, settleOrder, type TowerShipment } from './floor-steps.ts';
import { TowerError } from './tower-client.ts';
import { RECEIPTS_AT_MS, sampleError, type BatchOrderResult, type OrderState, type World } from './world.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface PlacedOrder {
  id: string;
  status: string;
  lines?: { backorderedQuantity: number }[];
}

/** One order on its own (live traffic), answered like an item of a batch. */
async function placeAlone(world: World, order: SimulatedOrder): Promise<BatchOrderResult> {
  try {
    const { status, body } = await world.client.request<PlacedOrder>('POST', '/api/orders', { body: placeOrderBody(order, world.locationIdByCode), idempotencyKey: order.key, asOf: order.placedAt });
    return { status, order: body };
  } catch (error) {
    if (error instanceof TowerError && error.status >= 400 && error.status < 500) {
      return { status: error.status, problem: { type: error.type, status: error.status, detail: error.detail, errors: error.errors } };
    }
    throw error;
  }
}

/** Puts an order on the queue at its moment; its later steps run in its own lane, one after another. */
export function scheduleOrder(world: World, order: SimulatedOrder): void {
  const atMs = Date.parse(order.placedAt);
  // The morning's receipts come before the orders placed after them (lanes otherwise run ahead).
  const restockAtMs = atMs - ((((atMs - RECEIPTS_AT_MS) % DAY) + DAY) % DAY);
  world.scheduler.at(atMs, order.key, () => placeOrder(world, order), { gate: () => world.restockedAtMs < restockAtMs });
}

/**
 * POST /api/orders with the order's key as Idempotency-Key, as of its moment (in history, one
 * order of a POST /api/orders/batch answered with the same statuses). A 402 is the planned
 * decline, a 409 out_of_stock a stock-out; a 200 is an order an earlier run placed, left to that
 * run's fate.
 */
async function placeOrder(world: World, order: SimulatedOrder): Promise<void> {
  const answer = world.bulk ? await world.bulk.orders.submit(order) : await placeAlone(world, order);
  if (answer.status >= 400 || !answer.order) {
    const type = answer.problem?.type ?? 'unknown';
    if (answer.status === 402) world.stats.ordersDeclined++;
    else if (type === 'out_of_stock') world.stats.ordersOutOfStock++;
    else if (answer.status >= 400 && answer.status < 500) {
      world.stats.ordersRejected++;
      sampleError(world, new TowerError('POST', '/api/orders', answer.status, type, answer.problem?.detail ?? '', answer.problem?.errors ?? []));
    } else throw new TowerError('POST', '/api/orders/batch', answer.status, type, answer.problem?.detail ?? 'no order in the answer');
    return;
  }
  const response = { status: answer.status, body: answer.order };
  if (response.status === 200) {
    world.stats.ordersExisting++;
    return;
  }
  world.stats.ordersPlaced++;
  const state: OrderState = { id: response.body.id, sim: order, cancelled: false, shipments: new Set(), openShipments: 0, firstLocationId: null, lastDeliveredAtMs: 0, returnScheduled: false, owesMore: false };
  state.owesMore = response.body.status === 'backordered' || (response.body.lines ?? []).some((line) => line.backorderedQuantity > 0);
  world.orders.set(state.id, state);
  // A backordered order waits until a receipt fills it (the adjustment names it); the rest go to the next release.
  if (response.body.status === 'backordered') world.stats.ordersBackordered++;
  else world.awaitingRelease.add(state.id);
  const placedAtMs = Date.parse(order.placedAt);
  // A cancel of an order still waiting for its release waits for the releases before it (which may send it to the floor).
  if (order.fate.cancelAfterMinutes !== null) {
    const cancelAtMs = placedAtMs + order.fate.cancelAfterMinutes * MINUTE;
    world.scheduler.at(cancelAtMs, order.key, () => cancelOrder(world, state, cancelAtMs), { gate: () => world.awaitingRelease.has(state.id) });
  }
}

async function cancelOrder(world: World, state: OrderState, atMs: number): Promise<void> {
  try {
    await world.client.request('POST', `/api/orders/${state.id}/cancel`, { body: { reason: 'The customer changed their mind' }, asOf: atMs, priority: true });
  } catch (error) {
    // Too late: it has left (or is being packed); the customer keeps it.
    if (error instanceof TowerError && error.status === 409) {
      world.stats.cancelsRefused++;
      return;
    }
    throw error;
  }
  world.stats.ordersCancelled++;
  state.cancelled = true;
  world.awaitingRelease.delete(state.id);
  world.orders.delete(state.id);
}

/**
 * After a release at `releasedAtMs`: the new shipments of an order (those the release answered
 * with, else the order's listing), each planned on the floor in the order's lane. Shipments
 * already known (an earlier release) are skipped.
 */
export async function discoverShipments(world: World, state: OrderState, releasedAtMs: number, released?: readonly TowerShipment[]): Promise<void> {
  if (state.cancelled) return;
  const shipments = released ?? (await world.client.request<TowerShipment[]>('GET', `/api/fulfillment/shipments?orderId=${state.id}`)).body;
  for (const shipment of shipments) {
    if (state.shipments.has(shipment.id) || shipment.status !== 'pending') continue;
    state.shipments.add(shipment.id);
    state.openShipments++;
    state.firstLocationId ??= shipment.locationId;
    world.stats.shipmentsReleased++;
    planShipment(world, state, shipment, releasedAtMs);
  }
  // Nothing new (the hand-back of a short pick was backordered): the order settles with what it has.
  if (state.openShipments === 0 && state.shipments.size > 0) settleOrder(world, state);
}

import type { ImportOrderHistoryResult } from '#server/order-history/order-history.schemas.ts';
import { addDays, dayToMs, type Day } from '../calendar.ts';
import type { SimulatedOrder } from '../daily-orders.ts';
import { historyOf, type HistoryPlan } from '../order-history.ts';
import { followImportedParcels, followImportedPickup, settleOrder, type TowerShipment } from './floor-steps.ts';
import { resumeReturn } from './return-steps.ts';
import { ordersOfDay, type DemandPlan } from './timeline.ts';
import { TowerError } from './tower-client.ts';
import { receiveDuePurchaseOrders } from './restock.ts';
import { RECEIPTS_AT_MS, sampleError, type OrderState, type World } from './world.ts';

/** Orders an import request carries (Tower's limit is 500: a few megabytes, one statement). */
const ORDERS_PER_REQUEST = 500;
/** Requests in flight: Tower plans some while the statements of others run (3 left the machine a third idle). */
const REQUESTS_IN_FLIGHT = 6;

type Imported = Extract<HistoryPlan, { kind: 'import' }> & { order: SimulatedOrder };

export interface ImportHistoryOptions {
  from: Day;
  /** Orders whose life up to their hand-over (or cancel) is over before this moment are imported; the rest go the full path. */
  cutMs: number;
  releaseEveryMinutes: number;
  /** As each request is answered: the moment of its last order, for the progress line. */
  onImported?: (placedAtMs: number) => void;
}

/**
 * History before the cut, imported whole (POST /api/orders/history): each day's orders planned
 * to their end by `historyOf`, sent in requests of 500, a few in flight. What Tower still has to
 * see after the cut is queued on the scheduler: the scans of parcels still on their way, pickups
 * waiting at the counter, and what is left of returns not settled by the cut. Returns the orders placed before the
 * cut whose life goes on past it, for the full path (placed at their own moment).
 */
export async function importHistory(world: World, plan: DemandPlan, options: ImportHistoryOptions): Promise<SimulatedOrder[]> {
  const historyWorld = { business: world.business, scenario: world.scenario, seed: world.seed, locationIdByCode: world.locationIdByCode, releaseEveryMinutes: options.releaseEveryMinutes };
  const late: SimulatedOrder[] = [];
  const inFlight = new Set<Promise<void>>();
  let batch: Imported[] = [];
  const send = async () => {
    const items = batch;
    batch = [];
    const request = sendImport(world, items, options.cutMs)
      .then(() => options.onImported?.(Math.max(...items.map((i) => Date.parse(i.order.placedAt)))))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= REQUESTS_IN_FLIGHT) await Promise.race(inFlight);
  };
  // Only a restarted run has purchase orders open: then each imported morning receives those due.
  let openOrders = true;
  for (let day = options.from; dayToMs(day) < options.cutMs; day = addDays(day, 1)) {
    if (openOrders) openOrders = (await receiveDuePurchaseOrders(world, day, dayToMs(day) + RECEIPTS_AT_MS)) > 0;
    for (const order of ordersOfDay(plan, day)) {
      if (Date.parse(order.placedAt) >= options.cutMs) continue;
      const decided = historyOf(order, historyWorld, options.cutMs);
      if (decided.kind === 'declined') world.stats.ordersDeclined++;
      else if (decided.kind === 'out_of_stock') world.stats.ordersOutOfStock++;
      else if (decided.kind === 'live') late.push(order);
      else batch.push({ ...decided, order });
      if (batch.length >= ORDERS_PER_REQUEST) await send();
    }
  }
  if (batch.length > 0) await send();
  await Promise.all(inFlight);
  return late;
}

async function sendImport(world: World, items: Imported[], cutMs: number): Promise<void> {
  let answer: ImportOrderHistoryResult;
  try {
    answer = (await world.client.request<ImportOrderHistoryResult>('POST', '/api/orders/history', { body: { orders: items.map((i) => i.item) } })).body;
  } catch (error) {
    // The whole request failed (after the client's retries): its orders are counted as errors, the run goes on.
    world.stats.errors += items.length;
    sampleError(world, error);
    return;
  }
  answer.results.forEach((result, i) => {
    const imported = items[i]!;
    // 200: an earlier run imported it. A conflict: an earlier run imported it with less of its life
    // (its cut was earlier); either way it is left to that run's fate, as placed orders are.
    if (result.status === 200 || result.problem?.type === 'idempotency_conflict') {
      world.stats.ordersExisting++;
      return;
    }
    if (result.status !== 201) {
      world.stats.ordersRejected++;
      sampleError(world, new TowerError('POST', '/api/orders/history', result.status, result.problem?.type ?? 'unknown', result.problem?.detail ?? ''));
      return;
    }
    countImported(world, imported);
    follow(world, imported, result, cutMs);
  });
}

/** What the import did, in the run's counts, as the full path would have counted it. */
function countImported(world: World, { item, order }: Imported): void {
  const { stats } = world;
  const pickup = order.draft.delivery.method === 'pickup';
  stats.ordersPlaced++;
  stats.ordersImported++;
  if (item.cancelledAt) {
    stats.ordersCancelled++;
    return;
  }
  for (const s of item.shipments ?? []) {
    if (pickup) stats.pickupsReady++;
    else stats.shipmentsShipped++;
    if (s.deliveredAt) stats.deliveries++;
  }
  if (item.return) stats.returnsRequested++;
  if (item.return?.resolvedAt) stats.returnsRefunded++;
}

/**
 * The life an imported order still has after the cut: its parcels' scans, its pickup, its return.
 * The order is followed like one the full path placed, so its return waits for its deliveries.
 */
function follow(world: World, imported: Imported, result: ImportOrderHistoryResult['results'][number], cutMs: number): void {
  if (imported.inTransit.length === 0 && imported.returnLeft === null) return;
  const shipments = (result.shipments ?? []).map((s): TowerShipment => ({ ...s, orderId: result.orderId!, lines: [] }));
  const items = imported.item.shipments ?? [];
  const delivered = items.flatMap((s) => (s.deliveredAt ? [Date.parse(s.deliveredAt)] : []));
  const state: OrderState = {
    id: result.orderId!,
    sim: imported.order,
    cancelled: false,
    shipments: new Set(shipments.map((s) => s.id)),
    openShipments: imported.inTransit.length,
    firstLocationId: shipments[0]?.locationId ?? null,
    lastDeliveredAtMs: delivered.length > 0 ? Math.max(...delivered) : 0,
    returnScheduled: false,
    owesMore: false,
  };
  world.orders.set(state.id, state);
  for (const index of imported.inTransit) {
    const shipment = shipments[index]!;
    const shippedAtMs = Date.parse(items[index]!.shippedAt);
    if (shipment.carrier === null) followImportedPickup(world, state, shipment, imported.lastDeliveredAtMs!);
    else followImportedParcels(world, state, shipment, shippedAtMs, cutMs);
  }
  // An RMA the history left open goes on from where it stood; a return not yet asked for is
  // planned once the order is delivered in full (settleOrder), now or at its last delivery.
  const { returnLeft } = imported;
  if ((returnLeft === 'receipt' || returnLeft === 'resolution') && result.return) resumeReturn(world, state, result.return, returnLeft);
  else if (state.openShipments === 0) settleOrder(world, state);
}


import { distanceKm } from '../geo.ts';
import { returnMoments } from '../order-fate.ts';
import { TowerError } from './tower-client.ts';
import { forgetOrder, type OrderState, type ReturnStep, type World } from './world.ts';

/** Units that come back broken are scrapped; everything else goes back on the shelf. */
const SCRAPPED_REASONS = new Set(['defective', 'damaged']);

export interface TowerReturn {
  id: string;
  lines: { id: string; sku: string; quantity: number; reason: string }[];
}

/** Where a return goes: the location that sent the order, or for a drop-ship vendor the nearest warehouse. */
function receivingLocation(world: World, state: OrderState): string | null {
  const sender = state.firstLocationId ? world.locationById.get(state.firstLocationId) : undefined;
  if (sender && sender.kind !== 'dropship') return state.firstLocationId;
  const address = state.sim.draft.shippingAddress;
  const warehouses = world.business.locations.filter((l) => l.kind === 'warehouse');
  if (warehouses.length === 0) return state.firstLocationId;
  const point = address?.lat !== undefined && address.lon !== undefined ? { lat: address.lat, lon: address.lon } : warehouses[0]!;
  const nearest = warehouses.reduce((a, b) => (distanceKm(a, point) <= distanceKm(b, point) ? a : b));
  return world.locationIdByCode.get(nearest.code) ?? null;
}

function refused(world: World, state: OrderState): void {
  world.stats.returnsRefused++;
  forgetOrder(world, state);
}

/** Order statuses Tower takes a return request in. */
const RETURNABLE = new Set(['delivered', 'return_requested', 'returned']);

async function deliveredInFull(world: World, state: OrderState): Promise<boolean> {
  const { body } = await world.client.request<{ status: string }>('GET', `/api/orders/${state.id}`);
  return RETURNABLE.has(body.status);
}

/**
 * One step of an RMA: in history, its item in the returns batch of that step (one request for
 * the lanes that reach it together); live, the single command. A refused item throws as the
 * single command's answer would.
 */
async function returnStep(
  world: World,
  step: ReturnStep,
  atMs: number,
  item: Record<string, unknown>,
  options: { idempotencyKey?: string; priority?: boolean } = {},
): Promise<TowerReturn> {
  const key = options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {};
  const priority = options.priority === true;
  if (!world.bulk) {
    const { returnId, ...body } = item;
    const path = step === 'request' ? '/api/returns' : `/api/returns/${String(returnId)}/${step}`;
    return (await world.client.request<TowerReturn>('POST', path, { body, asOf: atMs, priority, ...key })).body;
  }
  const answer = await world.bulk.returns[step].submit({ ...item, atMs, ...key }, priority);
  if (answer.status >= 300 || !answer.return) throw new TowerError('POST', `/api/returns/batch/${step}`, answer.status, answer.problem?.type ?? 'unknown', answer.problem?.detail ?? '');
  return answer.return;
}

/**
 * The order's planned return, days after its last delivery (order-fate.ts `returnMoments`): the
 * RMA, its authorization two hours later, the parcel received four days after that, and a refund
 * the next day.
 */
export function scheduleReturn(world: World, state: OrderState): void {
  const plan = state.sim.fate.return!;
  const moments = returnMoments(state.lastDeliveredAtMs, plan);
  const { requestedAtMs, authorizedAtMs, receivedAtMs } = moments;
  const lane = state.sim.key;
  // What the request does concerns releases only once the parcel comes back and is restocked.
  world.scheduler.at(requestedAtMs, lane, async () => {
    // Units still owed (backordered, or handed back by a short pick and not yet sent): the order is
    // not delivered, and Tower would refuse the return (409). It is asked for again once they are.
    if (state.owesMore && !(await deliveredInFull(world, state))) {
      state.returnScheduled = false;
      return;
    }
    let rma: TowerReturn;
    try {
      const body = { order: state.id, lines: plan.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, reason: l.reason })) };
      rma = await returnStep(world, 'request', requestedAtMs, body, { idempotencyKey: `${state.sim.key}-rma` });
    } catch (error) {
      // Fewer units arrived than planned (a short pick), or the window closed: no return.
      if (error instanceof TowerError && (error.status === 422 || error.status === 409)) return refused(world, state);
      throw error;
    }
    world.stats.returnsRequested++;
    // Authorizing and refunding change no stock: no release or midnight waits for them.
    world.scheduler.at(
      authorizedAtMs,
      lane,
      async () => {
        await returnStep(world, 'authorize', authorizedAtMs, { returnId: rma.id });
      },
      { feeds: false },
    );
    scheduleSettling(world, state, rma, moments, true);
  }, { feedsFrom: receivedAtMs });
}

/**
 * An imported RMA the history left open (authorized, or received too): what is left of it, its
 * receipt and resolution or its resolution alone, at their planned moments.
 */
export function resumeReturn(world: World, state: OrderState, rma: TowerReturn, left: 'receipt' | 'resolution'): void {
  state.returnScheduled = true;
  scheduleSettling(world, state, rma, returnMoments(state.lastDeliveredAtMs, state.sim.fate.return!), left === 'receipt');
}

/** The parcel received (restocked, scrapped when broken) and the RMA settled by refund, or store credit for an invoice. */
function scheduleSettling(world: World, state: OrderState, rma: TowerReturn, moments: { receivedAtMs: number; resolvedAtMs: number }, receive: boolean): void {
  const { receivedAtMs, resolvedAtMs } = moments;
  const lane = state.sim.key;
  // Nothing to resolve when nothing came back: Tower would refuse it (409).
  let received = !receive;
  // Restocked units may fill backorders, which a release before this moment must not see.
  if (receive) {
    world.scheduler.at(receivedAtMs, lane, async () => {
      const locationId = receivingLocation(world, state);
      if (!locationId) return refused(world, state);
      const lines = rma.lines.map((l) => ({
        returnLineId: l.id,
        quantity: l.quantity,
        disposition: SCRAPPED_REASONS.has(l.reason) ? { scrap: l.quantity } : { restock: l.quantity },
      }));
      // Releases after it wait for the restocked units: ahead of the lanes' other requests.
      await returnStep(world, 'receive', receivedAtMs, { returnId: rma.id, locationId, lines }, { priority: true });
      received = true;
    }, { gate: () => true });
  }
  world.scheduler.at(resolvedAtMs, lane, async () => {
    if (!received) {
      forgetOrder(world, state);
      return;
    }
    // An order on invoice took no card payment to refund: the account gets credit instead.
    const kind = state.sim.draft.payment.method === 'invoice' ? 'store_credit' : 'refund';
    await returnStep(world, 'resolve', resolvedAtMs, { returnId: rma.id, kind });
    world.stats.returnsRefunded++;
    forgetOrder(world, state);
  }, { feeds: false });
}

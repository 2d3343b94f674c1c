import { placeOrderBody, type SimulatedOrder } from '../daily-orders.ts';
import type { TowerShipment } from './floor-steps.ts';
import { RequestBatcher } from './request-batcher.ts';
import type { TowerClient } from './tower-client.ts';
import type { BatchOrderResult, CarrierScanItem, CarrierScanResult, ReturnBatches, ReturnStep, ReturnStepAnswer, ReturnStepItem, World } from './world.ts';

/** Orders per POST /api/orders/batch. */
const ORDERS_PER_BATCH = 200;
/** Scans per carrier delivery (POST /api/carriers/{carrier}/events/batch). */
const SCANS_PER_BATCH = 500;
/** RMAs per returns batch (POST /api/returns/batch/{step}). */
const RETURNS_PER_BATCH = 500;
/** Shipments per floor wave (POST /api/fulfillment/waves/{step}). */
const SHIPMENTS_PER_WAVE = 500;
/**
 * A wave or a carrier's delivery goes on gathering while more requests than this are unanswered:
 * none, so a small business's steps share a request too (the demo's 60 days: about 11,000
 * requests with 2, 6,800 with none, and no step anything waits for is in a wave).
 */
const GATHER_WHILE_OPEN_ABOVE = 0;
/**
 * A carrier's delivery holds scans of at most this span: it is dated when its last scan happened
 * (the order.delivered events with it), and a window of a small business spans days.
 */
const SCAN_DELIVERY_SPAN_MS = 6 * 3_600_000;

const latest = (moments: string[]) => moments.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));

/**
 * The bulk requests history is backfilled with: the orders of a window placed in batches (each
 * dated to its own moment with `asOf`), and each carrier's scans of a window delivered in one
 * signed request, dated as it arrives, when the window's last scan happened.
 */
export function createBulkRequests(client: TowerClient, locationIdByCode: () => Map<string, string>, carrierSecret: string): NonNullable<World['bulk']> {
  const orders = new RequestBatcher<SimulatedOrder, BatchOrderResult>(async (batch) => {
    const body = {
      orders: batch.map((o) => ({ ...placeOrderBody(o, locationIdByCode()), idempotencyKey: o.key, ...(client.historical ? { asOf: o.placedAt } : {}) })),
    };
    const { body: answer } = await client.request<{ results: BatchOrderResult[] }>('POST', '/api/orders/batch', { body, asOf: latest(batch.map((o) => o.placedAt)), priority: true });
    return answer.results;
  }, ORDERS_PER_BATCH);

  const scans = new RequestBatcher<CarrierScanItem, CarrierScanResult>(async (batch) => {
    const results = new Array<CarrierScanResult>(batch.length);
    // Each carrier's scans in time order, a new delivery where one comes more than the span after the delivery's first.
    const deliveries: number[][] = [];
    const order = batch.map((_, i) => i).sort((a, b) => batch[a]!.carrier.localeCompare(batch[b]!.carrier) || Date.parse(batch[a]!.event.occurredAt) - Date.parse(batch[b]!.event.occurredAt));
    let first: CarrierScanItem | null = null;
    for (const i of order) {
      const scan = batch[i]!;
      if (!first || first.carrier !== scan.carrier || Date.parse(scan.event.occurredAt) - Date.parse(first.event.occurredAt) > SCAN_DELIVERY_SPAN_MS) {
        first = scan;
        deliveries.push([]);
      }
      deliveries.at(-1)!.push(i);
    }
    await Promise.all(
      deliveries.map(async (indexes) => {
        const carrier = batch[indexes[0]!]!.carrier;
        const events = indexes.map((i) => batch[i]!.event);
        const { body } = await client.carrierEvents<{ results: CarrierScanResult[] }>(carrier, carrierSecret, events, latest(events.map((e) => e.occurredAt)));
        indexes.forEach((i, k) => (results[i] = body.results[k]!));
      }),
    );
    return results;
  }, SCANS_PER_BATCH, { client, atMost: GATHER_WHILE_OPEN_ABOVE });

  return { orders, scans, returns: returnBatches(client) };
}

/**
 * The returns desk's work in history: the RMA steps (request, authorize, receive, resolve) the
 * lanes reach together go out as one `POST /api/returns/batch/{step}`, each item dated with its
 * own `asOf`, the request to the batch's last; Tower runs a batch in one transaction.
 */
function returnBatches(client: TowerClient): ReturnBatches {
  const batcher = (step: ReturnStep) =>
    new RequestBatcher<ReturnStepItem, ReturnStepAnswer>(async (batch, urgent) => {
      const returns = batch.map(({ atMs, ...item }) => ({ ...item, ...(client.historical ? { asOf: new Date(atMs).toISOString() } : {}) }));
      const asOf = Math.max(...batch.map((i) => i.atMs));
      const { body } = await client.request<{ results: ReturnStepAnswer[] }>('POST', `/api/returns/batch/${step}`, { body: { returns }, asOf, priority: urgent });
      return body.results;
    }, RETURNS_PER_BATCH, { client, atMost: GATHER_WHILE_OPEN_ABOVE });
  return { request: batcher('request'), authorize: batcher('authorize'), receive: batcher('receive'), resolve: batcher('resolve') };
}

export type FloorStep = 'claim' | 'pick' | 'pack' | 'ship' | 'ready-for-pickup' | 'picked-up';

/** One shipment's step in a wave: its moment, and the single command's body (short lines to pick, scans to pack). */
export interface FloorWaveItem {
  shipmentId: string;
  atMs: number;
  lines?: { shipmentLineId: string; quantity: number }[];
  items?: { sku: string; quantity: number }[];
}

/** One shipment's answer inside POST /api/fulfillment/waves/{step}: the status the single command would give. */
export interface FloorWaveAnswer {
  status: number;
  shipment?: TowerShipment;
  problem?: { type: string; status: number; detail: string };
}

export type FloorWaves = Record<FloorStep, RequestBatcher<FloorWaveItem, FloorWaveAnswer>>;

const wavesOf = new WeakMap<TowerClient, FloorWaves>();

/**
 * The floor's work in history as waves: the claims (picks, packs, hand-overs) the lanes of a
 * window submit together go out as one `POST /api/fulfillment/waves/{step}` by the floor's person (a store's counter and its customers' pickups too),
 * each shipment dated to its own moment (`asOf`), the request to the wave's last; Tower applies a
 * wave in a few set-based statements. Picks and packs are answered with their shipments (what was picked, the parcels).
 */
export function floorWaves(floor: TowerClient): FloorWaves {
  let waves = wavesOf.get(floor);
  if (waves) return waves;
  const wave = (step: FloorStep) =>
    new RequestBatcher<FloorWaveItem, FloorWaveAnswer>(async (batch, urgent) => {
      const shipments = batch.map(({ atMs, ...item }) => ({ ...item, ...(floor.historical ? { asOf: new Date(atMs).toISOString() } : {}) }));
      const asOf = Math.max(...batch.map((i) => i.atMs));
      const { body } = await floor.request<{ results: FloorWaveAnswer[] }>('POST', `/api/fulfillment/waves/${step}`, { body: { shipments, withShipments: step === 'pick' || step === 'pack' }, asOf, priority: urgent });
      return body.results;
    }, SHIPMENTS_PER_WAVE, { client: floor, atMost: GATHER_WHILE_OPEN_ABOVE });
  waves = { claim: wave('claim'), pick: wave('pick'), pack: wave('pack'), ship: wave('ship'), 'ready-for-pickup': wave('ready-for-pickup'), 'picked-up': wave('picked-up') };
  wavesOf.set(floor, waves);
  return waves;
}

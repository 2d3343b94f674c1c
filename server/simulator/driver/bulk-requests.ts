import { placeOrderBody, type SimulatedOrder } from '../daily-orders.ts';
import { RequestBatcher } from './request-batcher.ts';
import type { TowerClient } from './tower-client.ts';
import type { BatchOrderResult, CarrierScanItem, CarrierScanResult, World } from './world.ts';

/** Orders per POST /api/orders/batch. */
const ORDERS_PER_BATCH = 200;
/** Scans per carrier delivery (POST /api/carriers/{carrier}/events/batch). */
const SCANS_PER_BATCH = 500;

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
    const { body: answer } = await client.request<{ results: BatchOrderResult[] }>('POST', '/api/orders/batch', { body, asOf: latest(batch.map((o) => o.placedAt)) });
    return answer.results;
  }, ORDERS_PER_BATCH);

  const scans = new RequestBatcher<CarrierScanItem, CarrierScanResult>(async (batch) => {
    const results = new Array<CarrierScanResult>(batch.length);
    const byCarrier = new Map<string, number[]>();
    batch.forEach((scan, i) => byCarrier.set(scan.carrier, [...(byCarrier.get(scan.carrier) ?? []), i]));
    await Promise.all(
      [...byCarrier].map(async ([carrier, indexes]) => {
        const events = indexes.map((i) => batch[i]!.event);
        const { body } = await client.carrierEvents<{ results: CarrierScanResult[] }>(carrier, carrierSecret, events, latest(events.map((e) => e.occurredAt)));
        indexes.forEach((i, k) => (results[i] = body.results[k]!));
      }),
    );
    return results;
  }, SCANS_PER_BATCH);

  return { orders, scans };
}

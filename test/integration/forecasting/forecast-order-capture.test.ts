import { randomUUID } from 'node:crypto';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { toOrderEventRow, type OutboxEvent } from '#analytics/relay/event-row.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { openTestClickHouse } from '../analytics/clickhouse-fixture.ts';
import { RealtimeClients } from '../realtime/realtime-client.ts';

/**
 * A forecast run never blocks order capture: with one worker (what two cores get by default) the
 * models still run on a worker thread, so the server's event loop stays free for orders. 40 SKUs
 * at 2 locations with a year of demand (120 series) keep the models busy for a while.
 */
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 365;
const SKUS = 40;
const today = new Date().toISOString().slice(0, 10);
const dayOf = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

let database: ScratchDatabase;
let ch: { client: ClickHouseClient };
let server: TestServer;
let skus: string[] = [];
let locations: { id: string }[] = [];
let orderSku: string;

function demandEvents(): OutboxEvent[] {
  const events: OutboxEvent[] = [];
  let id = 1;
  const event = (type: string, day: string, payload: Record<string, unknown>): OutboxEvent => ({ id: id++, eventId: randomUUID(), type, aggregateType: 'order', aggregateId: randomUUID(), occurredAt: new Date(`${day}T15:00:00Z`), payload });
  for (let offset = -HISTORY_DAYS; offset <= -1; offset++) {
    const day = dayOf(offset);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const units = (k: number, l: number) => 3 + ((k + l + weekday * (k % 5)) % 7) + ((offset * (k + 3)) % 3 === 0 ? 2 : 0);
    const lines = skus.map((sku, k) => ({ sku, category: 'apparel', quantity: units(k, 0) + units(k, 1), unitPriceCents: 1_000, discountCents: 0, taxCents: 0 }));
    const allocations = skus.flatMap((sku, k) => locations.map((location, l) => ({ sku, locationId: location.id, quantity: units(k, l) })));
    events.push(event('order.placed', day, { channel: 'web', currency: 'USD', totals: { subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0 }, lines }));
    events.push(event('order.allocated', day, { channel: 'web', allocations }));
  }
  return events;
}

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'tower_forecast_capture');
  ch = await openTestClickHouse();
  server = await startTestServer({ databaseUrl: database.url, clickhouse: ch.client, forecasts: { horizonDays: 28, historyDays: HISTORY_DAYS, workers: 1 } });
  locations = [await createLocation(server.api, { name: 'East DC', lat: 40.52, lon: -74.41 }), await createLocation(server.api, { name: 'West DC', lat: 34.05, lon: -118.24 })];
  skus = [];
  for (let k = 0; k < SKUS; k++) {
    const sku = (await createProduct(server.api)).sku;
    skus.push(sku);
    for (const location of locations) await addStock(server.api, sku, location.id, 500);
  }
  orderSku = (await createProduct(server.api)).sku;
  await addStock(server.api, orderSku, locations[0]!.id, 10_000);
  await ch.client.insert({ table: 'order_events', values: demandEvents().map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await ch?.client.close();
  await database?.drop();
});

describe('a forecast run and order capture', () => {
  it('takes orders while the models run: every one is placed, and the event loop stays mostly idle meanwhile', { timeout: 120_000 }, async () => {
    const clients = new RealtimeClients(server.url);
    try {
      const planner = await server.tokenClient(['planner']);
      const socket = await clients.connect({ auth: { token: planner.defaults.authorization!.replace(/^Bearer /, '') } });
      // The loop's utilisation when the models start and when they end (the first 'proposing' message).
      let modelsStart: EventLoopUtilization | null = null;
      let modelsBusy: number | null = null;
      let finished = false;
      socket.on('forecast:run', (message) => {
        if (message.stage === 'forecasting' && modelsStart === null) modelsStart = performance.eventLoopUtilization();
        if (message.stage === 'proposing' && modelsStart !== null && modelsBusy === null) modelsBusy = performance.eventLoopUtilization(modelsStart).utilization;
        if (message.state !== 'running') finished = true;
      });

      const { done } = await server.forecasts!.start({ trigger: 'manual', requestedBy: 'test', asOfDate: dayOf(-1) });
      const statuses: number[] = [];
      while (!finished) {
        // One order at a time with pauses, so that order handling itself is a small share of the loop.
        if (modelsStart !== null && modelsBusy === null) statuses.push((await placeOrder(server.api, orderBody([{ sku: orderSku, quantity: 1 }]))).status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const run = await done;
      expect(run.status, run.error ?? '').toBe('succeeded');
      // Each SKU at both locations and network-wide, and the stocked SKU the orders take.
      expect(run.seriesTotal).toBe(SKUS * 3 + 2);
      expect(modelsBusy).not.toBeNull();
      expect(statuses.length).toBeGreaterThanOrEqual(3);
      expect(statuses.every((s) => s === 201)).toBe(true);
      // Models on this thread would keep it busy nearly all the time (their yields between series are short).
      expect(modelsBusy!).toBeLessThan(0.5);
      expectStatus(await server.api.get(`/api/forecasts?locationId=network&limit=5`), 200);
    } finally {
      clients.closeAll();
    }
  });
});

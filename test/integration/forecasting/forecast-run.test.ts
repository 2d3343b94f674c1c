import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { toOrderEventRow, type OutboxEvent } from '#analytics/relay/event-row.ts';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { forecastRuns, forecastSeries } from '#db/schema/forecasting.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { addStock, createLocation, createProduct, expectStatus } from '#test/support/factories.ts';
import type { ApiResponse } from '#test/support/api-client.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { openTestClickHouse } from '../analytics/clickhouse-fixture.ts';
import { RealtimeClients, collect } from '../realtime/realtime-client.ts';

/**
 * A forecast run end to end, on a database of its own (a run replaces every open proposal):
 * 120 days of demand written to ClickHouse through the relay's row mapping, stock and a supplier
 * through the API, then runs, the ranking, proposals and their approval into a purchase order
 * and a transfer.
 *
 *   TEE at EAST: 6–14 a day with a clear weekly shape and a slow rise; 40 on hand → runs out
 *   TEE at WEST: 2 a day, 150 on hand → more than its own order-up-to level: a transfer donor, not enough alone
 *   MUG at EAST: 1 a day, 500 on hand → no proposal
 */
const DAY_MS = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const dayOf = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
const asOfDate = dayOf(-1);
const HISTORY_DAYS = 120;
/** The body of a response that must have this status. */
const ok = (response: ApiResponse, status: number): any => expectStatus(response, status).body;
const WEEKLY = [6, 10, 10, 11, 12, 14, 8];

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

let database: ScratchDatabase;
let ch: { client: ClickHouseClient };
let server: TestServer;
let east: { id: string };
let west: { id: string };
let tee: string;
let mug: string;
let supplierId: string;
const teeEast: number[] = [];

function demandEvents(): OutboxEvent[] {
  const random = seeded(7);
  const events: OutboxEvent[] = [];
  let id = 1;
  const event = (type: string, day: string, payload: Record<string, unknown>): OutboxEvent => ({
    id: id++,
    eventId: randomUUID(),
    type,
    aggregateType: 'order',
    aggregateId: randomUUID(),
    occurredAt: new Date(`${day}T15:00:00Z`),
    payload,
  });
  for (let offset = -HISTORY_DAYS; offset <= -1; offset++) {
    const day = dayOf(offset);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const units = Math.max(0, Math.round(WEEKLY[weekday]! * (1 + (offset + HISTORY_DAYS) / 600) + (random() - 0.5) * 3));
    teeEast.push(units);
    const lines = [
      { sku: tee, category: 'apparel', quantity: units + 2, unitPriceCents: 1_000, discountCents: 0, taxCents: 0 },
      { sku: mug, category: 'home', quantity: 1, unitPriceCents: 500, discountCents: 0, taxCents: 0 },
    ];
    events.push(event('order.placed', day, { channel: 'web', currency: 'USD', totals: { subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0 }, lines }));
    events.push(
      event('order.allocated', day, {
        channel: 'web',
        allocations: [
          { sku: tee, locationId: east.id, quantity: units },
          { sku: tee, locationId: west.id, quantity: 2 },
          { sku: mug, locationId: east.id, quantity: 1 },
        ],
      }),
    );
  }
  return events;
}

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'tower_forecast');
  ch = await openTestClickHouse();
  server = await startTestServer({ databaseUrl: database.url, clickhouse: ch.client, forecasts: { horizonDays: 28, workers: 1, keepSeriesOfRuns: 2 } });
  east = await createLocation(server.api, { name: 'East DC', lat: 40.52, lon: -74.41 });
  west = await createLocation(server.api, { name: 'Near DC', lat: 39.95, lon: -75.16 });
  tee = (await createProduct(server.api)).sku;
  mug = (await createProduct(server.api, { category: 'home' })).sku;
  await addStock(server.api, tee, east.id, 40);
  await addStock(server.api, tee, west.id, 150);
  await addStock(server.api, mug, east.id, 500);
  const supplier = ok(await server.api.post('/api/suppliers', { code: `SUP-${randomUUID().slice(0, 6)}`, name: 'Cotton Co', leadTimeDays: 10 }), 201) as { id: string };
  supplierId = supplier.id;
  expectStatus(await server.api.put(`/api/suppliers/${supplierId}/products/${tee}`, { unitCostCents: 400, casePack: 12 }), 200);
  expectStatus(await server.api.put(`/api/suppliers/${supplierId}/products/${mug}`, { unitCostCents: 150 }), 200);
  await ch.client.insert({ table: 'order_events', values: demandEvents().map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await ch?.client.close();
  await database?.drop();
});

async function runToEnd() {
  const { run, done } = await server.forecasts!.start({ trigger: 'manual', requestedBy: 'test', asOfDate });
  const finished = await done;
  expect(finished.status, finished.error ?? '').toBe('succeeded');
  return { run, finished };
}

describe('a forecast run', () => {
  it('forecasts every SKU × location and the network, with the stored history and backtest accuracy', async () => {
    const { finished } = await runToEnd();
    expect(finished.asOfDate).toBe(asOfDate);
    // TEE and MUG network-wide, TEE at both locations, MUG at EAST.
    expect(finished.seriesTotal).toBe(5);

    const page = ok(await server.api.get(`/api/forecasts?sku=${tee}&locationId=${east.id}`), 200);
    expect(page.run.id).toBe(finished.id);
    const [series] = page.items;
    expect(series.previous).toBeNull();
    expect(series.points).toHaveLength(28);
    expect(series.points[0].date).toBe(today);
    for (const p of series.points) expect(p.lo80 <= p.forecast && p.forecast <= p.hi80).toBe(true);
    expect(series.history.values).toEqual(teeEast.slice(-series.history.values.length));
    expect(series.history.values.length).toBe(HISTORY_DAYS);
    // A clear weekly shape: the chosen model beats seasonal naive in the backtest.
    expect(series.metrics.mase).toBeLessThan(series.metrics.baselineMase);
    expect(series.metrics.candidates.length).toBeGreaterThan(2);
    // The forecast keeps the week's shape: Fridays above Sundays.
    const byWeekday = (w: number) => series.points.filter((p: { date: string }) => new Date(`${p.date}T00:00:00Z`).getUTCDay() === w).map((p: { forecast: number }) => p.forecast);
    expect(Math.min(...byWeekday(5))).toBeGreaterThan(Math.max(...byWeekday(0)));

    const network = ok(await server.api.get(`/api/forecasts?sku=${tee}&locationId=network`), 200).items[0];
    expect(network.locationId).toBeNull();
    expect(network.available).toBe(190);
  });

  it('ranks series by stock-out risk: TEE at EAST runs out first', async () => {
    const page = ok(await server.api.get('/api/forecasts?limit=2'), 200);
    expect(page.items[0]).toMatchObject({ sku: tee, locationId: east.id, available: 40, inbound: 0 });
    expect(page.items[0].stockoutDate >= today && page.items[0].stockoutDate <= dayOf(6)).toBe(true);
    expect(page.nextCursor).not.toBeNull();
    const rest = ok(await server.api.get(`/api/forecasts?limit=10&cursor=${page.nextCursor}`), 200);
    expect(rest.items).toHaveLength(3);
    expect(rest.nextCursor).toBeNull();
    const forged = await server.api.get('/api/forecasts?cursor=bm90LWEtbnVtYmVy');
    expect(forged.status).toBe(422);
    expect(forged.body.errors[0].path).toBe('cursor');
  });

  it('proposes moving WEST’s excess before buying, and nothing for a SKU well stocked', async () => {
    const proposals = ok(await server.api.get('/api/replenishment/proposals?status=proposed'), 200).items;
    expect(proposals.map((p: { sku: string }) => p.sku)).not.toContain(mug);
    const transfer = proposals.find((p: { kind: string }) => p.kind === 'transfer');
    const purchase = proposals.find((p: { kind: string }) => p.kind === 'purchase');
    expect(transfer).toMatchObject({ sku: tee, locationId: east.id, fromLocationId: west.id });
    expect(purchase).toMatchObject({ sku: tee, locationId: east.id, supplierId, unitCostCents: 400 });
    expect(purchase.quantity % 12).toBe(0);
    // Together they bring EAST from 40 up to its order-up-to level (the purchase rounded up to cases).
    const { orderUpTo, reorderPoint } = purchase.position;
    expect(40).toBeLessThan(reorderPoint);
    const need = Math.ceil(orderUpTo - 40);
    expect(transfer.quantity + purchase.quantity).toBeGreaterThanOrEqual(need);
    expect(transfer.quantity + purchase.quantity).toBeLessThan(need + 12);
    // WEST keeps its own order-up-to level.
    const westSeries = ok(await server.api.get(`/api/forecasts?sku=${tee}&locationId=${west.id}`), 200).items[0];
    expect(150 - transfer.quantity).toBeGreaterThan(westSeries.points.slice(0, 12).reduce((s: number, p: { forecast: number }) => s + p.forecast, 0));
  });

  it('lets only planners decide, and approves into a submitted purchase order and a requested transfer', async () => {
    const proposals = ok(await server.api.get('/api/replenishment/proposals?status=proposed'), 200).items as { id: string; kind: string; quantity: number }[];
    const staff = await server.tokenClient(['staff']);
    expectStatus(await staff.post('/api/replenishment/proposals/approve', { ids: [proposals[0]!.id] }), 403);

    const purchase = proposals.find((p) => p.kind === 'purchase')!;
    const edited = ok(await server.api.patch(`/api/replenishment/proposals/${purchase.id}`, { quantity: purchase.quantity + 12 }), 200);
    expect(edited.quantity).toBe(purchase.quantity + 12);

    const planner = await server.tokenClient(['planner']);
    const approved = ok(await planner.post('/api/replenishment/proposals/approve', { ids: proposals.map((p) => p.id), note: 'weekly buy' }), 200);
    expect(approved.purchaseOrders).toHaveLength(1);
    expect(approved.transfers).toHaveLength(1);
    expect(approved.proposals.every((p: { status: string }) => p.status === 'approved')).toBe(true);

    const po = ok(await server.api.get(`/api/purchase-orders/${approved.purchaseOrders[0].id}`), 200);
    expect(po).toMatchObject({ status: 'submitted', supplierId, locationId: east.id });
    expect(po.lines).toEqual([expect.objectContaining({ sku: tee, quantityOrdered: purchase.quantity + 12, unitCostCents: 400 })]);
    const transfer = ok(await server.api.get(`/api/transfers/${approved.transfers[0].id}`), 200);
    expect(transfer).toMatchObject({ status: 'requested', fromLocationId: west.id, toLocationId: east.id });

    // Deciding again is a transition that no longer exists, named by its place in the list.
    const again = await planner.post('/api/replenishment/proposals/reject', { ids: [purchase.id], reason: 'changed my mind' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'invalid_transition', errors: [{ path: 'ids.0' }] });
  });

  it('the next run sees the inbound stock: no new proposal for EAST, and runs compare', async () => {
    const { finished } = await runToEnd();
    const proposed = ok(await server.api.get(`/api/replenishment/proposals?status=proposed&sku=${tee}&locationId=${east.id}`), 200).items;
    expect(proposed).toEqual([]);
    const east2 = ok(await server.api.get(`/api/forecasts?sku=${tee}&locationId=${east.id}`), 200).items[0];
    expect(east2.inbound).toBeGreaterThan(0);
    const runs = ok(await server.api.get('/api/forecasts/runs'), 200).items;
    expect(runs[0].id).toBe(finished.id);
    expect(runs).toHaveLength(2);
    // Each series carries its twin of the run before, to compare.
    expect(east2.previous).toMatchObject({ runId: runs[1].id, runNumber: runs[1].number, asOfDate, model: expect.any(String) });
    expect(east2.previous.mase).toBeLessThan(east2.previous.baselineMase);
    expect(east2.forecastTotal).toBeCloseTo(east2.points.reduce((s: number, p: { forecast: number }) => s + p.forecast, 0), 6);
    expect(east2.previous.forecastTotal).toBeGreaterThan(0);
    // WEST and MUG sell the same every day: MASE has no scale there, so only TEE at EAST is scored.
    for (const r of runs) expect(r.summary.locations).toMatchObject({ series: 3, backtested: 1 });
    expect(runs[0].summary.locations.maseRatio).toBeLessThan(1);
  });

  it('refuses a second run while one works on any instance, and fails a run its process abandoned', async () => {
    // Another instance's run, alive (fresh heartbeat): this one must not start its own.
    const [elsewhere] = await server.db.insert(forecastRuns).values({ trigger: 'manual', asOfDate, parameters: {}, heartbeatAt: new Date() }).returning();
    const second = await server.api.post('/api/forecasts/runs');
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain('already in progress');

    // The same run, its heartbeat silent for 10 minutes: its process died, and the next start fails it.
    await server.db.update(forecastRuns).set({ heartbeatAt: new Date(Date.now() - 10 * 60_000) }).where(eq(forecastRuns.id, elsewhere!.id));
    const { finished } = await runToEnd();
    expect(finished.status).toBe('succeeded');
    const stale = ok(await server.api.get(`/api/forecasts/runs/${elsewhere!.id}`), 200);
    expect(stale).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted') });
  });

  it('starts over HTTP and reports progress to planners over socket.io', async () => {
    const clients = new RealtimeClients(server.url);
    try {
      const planner = await server.tokenClient(['planner']);
      const socket = await clients.connect({ auth: { token: planner.defaults.authorization!.replace(/^Bearer /, '') } });
      const messages = collect(socket, 'forecast:run');
      const started = ok(await server.api.post('/api/forecasts/runs'), 202);
      expect(started.status).toBe('running');
      await expect.poll(() => messages.at(-1)?.state, { timeout: 20_000 }).toBe('succeeded');
      expect(messages[0]).toMatchObject({ runId: started.id, state: 'running' });
      expect(messages.at(-1)).toMatchObject({ runId: started.id, seriesDone: 5, seriesTotal: 5 });
      const run = ok(await server.api.get(`/api/forecasts/runs/${started.id}`), 200);
      expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    } finally {
      clients.closeAll();
    }
  });

  it('keeps a planner’s policy per SKU × location and refuses nonsense', async () => {
    const planner = await server.tokenClient(['planner']);
    const set = ok(await planner.put(`/api/replenishment/settings/${tee}/${east.id}`, { serviceLevel: 0.99, leadTimeDays: 3 }), 200);
    expect(set).toMatchObject({ serviceLevel: 0.99, reviewPeriodDays: 7, leadTimeDays: 3, active: true, custom: true });
    const bad = await planner.put(`/api/replenishment/settings/${tee}/${east.id}`, { serviceLevel: 1.5 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('serviceLevel');
    const reset = ok(await planner.put(`/api/replenishment/settings/${tee}/${east.id}`, { serviceLevel: null }), 200);
    expect(reset.serviceLevel).toBe(0.95);
    expect((await planner.get(`/api/replenishment/settings/NOPE/${east.id}`)).body.errors[0].path).toBe('sku');
  });

  it('keeps the series of the latest runs only (here 2 besides the newest), and every run’s row and summary', async () => {
    const runs = ok(await server.api.get('/api/forecasts/runs'), 200).items as { id: string; status: string; summary: unknown }[];
    const succeeded = runs.filter((r) => r.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThan(3);
    const kept = await server.db.selectDistinct({ runId: forecastSeries.runId }).from(forecastSeries);
    expect(new Set(kept.map((r) => r.runId))).toEqual(new Set(succeeded.slice(0, 3).map((r) => r.id)));
    expect(succeeded.every((r) => r.summary !== null)).toBe(true);
    const old = ok(await server.api.get(`/api/forecasts?runId=${succeeded.at(-1)!.id}`), 200);
    expect(old.items).toEqual([]);
  });

  it('rejects in bulk with a reason, approves in bulk with changed quantities, and refuses a quantity for a proposal not approved', async () => {
    // MUG at EAST and TEE at WEST nearly sold out: each run proposes buying both.
    await addStock(server.api, mug, east.id, -495);
    await addStock(server.api, tee, west.id, -140);
    const proposed = async () => {
      await runToEnd();
      const open = ok(await server.api.get('/api/replenishment/proposals?status=proposed'), 200).items as { id: string; sku: string; locationId: string; kind: string; quantity: number }[];
      const mugEast = open.find((p) => p.sku === mug && p.locationId === east.id && p.kind === 'purchase')!;
      const teeWest = open.find((p) => p.sku === tee && p.locationId === west.id && p.kind === 'purchase')!;
      expect(mugEast).toBeDefined();
      expect(teeWest).toBeDefined();
      return { open, mugEast, teeWest };
    };
    const planner = await server.tokenClient(['planner']);

    const first = await proposed();
    const stray = await planner.post('/api/replenishment/proposals/approve', { ids: [first.mugEast.id], quantities: { [first.teeWest.id]: 24 } });
    expect(stray.status).toBe(422);
    expect(stray.body.errors[0].path).toBe(`quantities.${first.teeWest.id}`);
    const zero = await planner.post('/api/replenishment/proposals/approve', { ids: [first.mugEast.id], quantities: { [first.mugEast.id]: 0 } });
    expect(zero.status).toBe(422);
    expect(zero.body.errors[0].path).toBe(`quantities.${first.mugEast.id}`);
    const ids = first.open.map((p) => p.id);
    const rejected = ok(await planner.post('/api/replenishment/proposals/reject', { ids, reason: 'stock is on its way from elsewhere' }), 200).proposals as { id: string; status: string }[];
    expect(rejected.map((p) => p.id).sort()).toEqual([...ids].sort());
    expect(rejected.every((p) => p.status === 'rejected')).toBe(true);
    expect(ok(await server.api.get('/api/replenishment/proposals?status=proposed'), 200).items).toEqual([]);

    // The next run proposes again; both approved at once, MUG's quantity changed on the way.
    const { mugEast, teeWest } = await proposed();
    const approved = ok(await planner.post('/api/replenishment/proposals/approve', { ids: [mugEast.id, teeWest.id], quantities: { [mugEast.id]: mugEast.quantity + 7 } }), 200);
    expect(approved.proposals.map((p: { id: string; status: string; quantity: number }) => [p.id, p.status, p.quantity]).sort()).toEqual(
      [[mugEast.id, 'approved', mugEast.quantity + 7], [teeWest.id, 'approved', teeWest.quantity]].sort(),
    );
    const lines = [];
    for (const { id } of approved.purchaseOrders as { id: string }[]) lines.push(...ok(await server.api.get(`/api/purchase-orders/${id}`), 200).lines);
    expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ sku: mug, quantityOrdered: mugEast.quantity + 7 }), expect.objectContaining({ sku: tee, quantityOrdered: teeWest.quantity })]));
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { computeKpis, kpiTimeseries } from '#analytics/kpis/compute-kpis.ts';
import { toOrderEventRow, type OutboxEvent } from '#analytics/relay/event-row.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { openTestClickHouse } from './clickhouse-fixture.ts';

/**
 * A hand-built fixture of four orders (events inserted straight into order_events through the
 * relay's own row mapping), with every expected value worked out by hand below.
 *
 *   A web, placed +1h, 10000¢, TEE×2 (apparel) at L1; shipped from L1 (300+100+600);
 *     delivered +2d1h (48 h, promised +3d: on time)
 *   B web, placed +2h, 20000¢, TEE×1 at L1 + SHOE×1 (shoes) at L2: split in two shipments,
 *     #1 from L1 (200+100+500) delivered +1d2h, #2 from L2 (250+150+700) delivered +4d2h
 *     (last delivery: 96 h, promised +3d: late); TEE×1 returned at +5d
 *   C web, placed +3h, 5000¢, SHOE×1 wholly backordered; cancelled at +6h
 *   D store, placed +4h, 8000¢, HAT×4 (apparel) at L2; shipped from L2 (100+50+400);
 *     delivered +1d4h (24 h, promised +2d: on time)
 */
const T0 = Date.parse('2025-03-01T00:00:00Z');
const H = 3_600_000;
const D = 24 * H;
const at = (ms: number) => new Date(T0 + ms);
const L1 = randomUUID();
const L2 = randomUUID();
const NIL = '00000000-0000-0000-0000-000000000000';
const ids = { A: randomUUID(), B: randomUUID(), C: randomUUID(), D: randomUUID() };

let nextId = 1;
function event(type: string, orderId: string, occurredAt: Date, payload: Record<string, unknown>): OutboxEvent {
  return { id: nextId++, eventId: randomUUID(), type, aggregateType: 'order', aggregateId: orderId, occurredAt, payload };
}

function placed(orderId: string, atMs: number, channel: string, total: number, lines: { sku: string; category: string; quantity: number }[]) {
  return event('order.placed', orderId, at(atMs), {
    channel,
    currency: 'USD',
    totals: { subtotal: total, discount: 0, tax: 0, shipping: 0, total },
    lines: lines.map((l) => ({ ...l, unitPriceCents: 100, discountCents: 0, taxCents: 0 })),
  });
}

function shipped(orderId: string, atMs: number, o: { channel: string; placedMs: number; promisedMs: number; location: string; n: number; costs: [number, number, number]; lines: { sku: string; category: string; quantity: number }[] }) {
  return event('order.shipped', orderId, at(atMs), {
    channel: o.channel,
    shipmentId: randomUUID(),
    shipmentNumber: o.n,
    locationId: o.location,
    carrier: 'ups',
    service: 'ground',
    placedAt: at(o.placedMs).toISOString(),
    promisedAt: at(o.promisedMs).toISOString(),
    packages: [{ trackingNumber: `1Z${nextId}`, weightGrams: 500 }],
    lines: o.lines,
    pickPackCostCents: o.costs[0],
    packagingCostCents: o.costs[1],
    labelCostCents: o.costs[2],
  });
}

function delivered(orderId: string, atMs: number, o: { channel: string; placedMs: number; promisedMs: number; location: string; lines: { sku: string; category: string; quantity: number }[] }) {
  return event('order.delivered', orderId, at(atMs), {
    channel: o.channel,
    shipmentId: randomUUID(),
    locationId: o.location,
    carrier: 'ups',
    placedAt: at(o.placedMs).toISOString(),
    promisedAt: at(o.promisedMs).toISOString(),
    deliveredAt: at(atMs).toISOString(),
    lines: o.lines,
  });
}

const TEE = { sku: 'TEE', category: 'apparel' };
const SHOE = { sku: 'SHOE', category: 'shoes' };
const HAT = { sku: 'HAT', category: 'apparel' };

const fixture: OutboxEvent[] = [
  placed(ids.A, 1 * H, 'web', 10_000, [{ ...TEE, quantity: 2 }]),
  event('payment.authorized', ids.A, at(1 * H), { amountCents: 10_000, currency: 'USD' }),
  event('order.allocated', ids.A, at(1 * H), { channel: 'web', allocations: [{ sku: 'TEE', locationId: L1, quantity: 2 }] }),
  placed(ids.B, 2 * H, 'web', 20_000, [{ ...TEE, quantity: 1 }, { ...SHOE, quantity: 1 }]),
  event('order.allocated', ids.B, at(2 * H), { channel: 'web', allocations: [{ sku: 'TEE', locationId: L1, quantity: 1 }, { sku: 'SHOE', locationId: L2, quantity: 1 }] }),
  placed(ids.C, 3 * H, 'web', 5_000, [{ ...SHOE, quantity: 1 }]),
  event('order.backordered', ids.C, at(3 * H), { channel: 'web', allocations: [], backordered: [{ sku: 'SHOE', quantity: 1 }] }),
  placed(ids.D, 4 * H, 'store', 8_000, [{ ...HAT, quantity: 4 }]),
  event('order.allocated', ids.D, at(4 * H), { channel: 'store', allocations: [{ sku: 'HAT', locationId: L2, quantity: 4 }] }),
  event('order.cancelled', ids.C, at(6 * H), { channel: 'web', from: 'backordered', released: [], totalCents: 5_000, currency: 'USD' }),
  shipped(ids.A, 1 * D, { channel: 'web', placedMs: 1 * H, promisedMs: 3 * D, location: L1, n: 1, costs: [300, 100, 600], lines: [{ ...TEE, quantity: 2 }] }),
  shipped(ids.B, 1 * D, { channel: 'web', placedMs: 2 * H, promisedMs: 3 * D, location: L1, n: 1, costs: [200, 100, 500], lines: [{ ...TEE, quantity: 1 }] }),
  shipped(ids.B, 2 * D, { channel: 'web', placedMs: 2 * H, promisedMs: 3 * D, location: L2, n: 2, costs: [250, 150, 700], lines: [{ ...SHOE, quantity: 1 }] }),
  shipped(ids.D, 1 * D, { channel: 'store', placedMs: 4 * H, promisedMs: 2 * D, location: L2, n: 1, costs: [100, 50, 400], lines: [{ ...HAT, quantity: 4 }] }),
  delivered(ids.B, 1 * D + 2 * H, { channel: 'web', placedMs: 2 * H, promisedMs: 3 * D, location: L1, lines: [{ ...TEE, quantity: 1 }] }),
  delivered(ids.D, 1 * D + 4 * H, { channel: 'store', placedMs: 4 * H, promisedMs: 2 * D, location: L2, lines: [{ ...HAT, quantity: 4 }] }),
  delivered(ids.A, 2 * D + 1 * H, { channel: 'web', placedMs: 1 * H, promisedMs: 3 * D, location: L1, lines: [{ ...TEE, quantity: 2 }] }),
  delivered(ids.B, 4 * D + 2 * H, { channel: 'web', placedMs: 2 * H, promisedMs: 3 * D, location: L2, lines: [{ ...SHOE, quantity: 1 }] }),
  event('return.received', ids.B, at(5 * D), { channel: 'web', returnId: randomUUID(), locationId: L1, lines: [{ ...TEE, quantity: 1 }], reason: 'too small' }),
];

const WEEK = { from: at(0), to: at(7 * D) };

let ch: { client: ClickHouseClient };
let empty: { client: ClickHouseClient };
let server: TestServer;
let bare: TestServer;

beforeAll(async () => {
  ch = await openTestClickHouse();
  empty = await openTestClickHouse();
  await ch.client.insert({ table: 'order_events', values: fixture.map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
  server = await startTestServer({ clickhouse: ch.client });
  bare = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await bare?.close();
  await ch?.client.close();
  await empty?.client.close();
});

describe('computeKpis on the hand-built fixture', () => {
  it('computes every KPI of the week by hand', async () => {
    const kpis = await computeKpis(ch.client, WEEK);
    // 4 orders, 10000 + 20000 + 5000 + 8000; C backordered, C cancelled
    expect(kpis.orders).toBe(4);
    expect(kpis.revenueCents).toBe(43_000);
    expect(kpis.backorderRate).toBe(0.25);
    expect(kpis.cancellationRate).toBe(0.25);
    // delivery hours per order sorted: D 24, A 48, B 96 → p50 48, p90 48 + 0.8·48 = 86.4, mean 56
    expect(kpis.deliveryTimeHours.p50).toBeCloseTo(48, 9);
    expect(kpis.deliveryTimeHours.p90).toBeCloseTo(86.4, 9);
    expect(kpis.deliveryTimeHours.mean).toBeCloseTo(56, 9);
    // A and D by their promise, B late
    expect(kpis.onTimeRate).toBeCloseTo(2 / 3, 9);
    // 4 shipments of 3 orders: 850 pick/pack + 400 packaging + 2200 labels = 3450 → 1150 per order
    expect(kpis.fulfillmentCostCents.perOrder).toBe(1150);
    expect(kpis.fulfillmentCostCents.shareOfRevenue).toBeCloseTo(3450 / 43_000, 12);
    expect(kpis.fulfillmentCostCents.pickPackPerOrder).toBeCloseTo(850 / 3, 9);
    expect(kpis.fulfillmentCostCents.packagingPerOrder).toBeCloseTo(400 / 3, 9);
    expect(kpis.fulfillmentCostCents.labelPerOrder).toBeCloseTo(2200 / 3, 9);
    // B's second shipment: 250 + 150 + 700
    expect(kpis.fulfillmentCostCents.splitExtraPerOrder).toBeCloseTo(1100 / 3, 9);
    // delivered units 2 + 1 + 1 + 4 = 8, returned 1
    expect(kpis.returnRate).toBe(0.125);
    expect(kpis.freshAsOf).toBe(at(5 * D).toISOString());
    expect(kpis.pipelineLagMs).toBeNull(); // no relay runs in this test process
  });

  it('filters by channel', async () => {
    const kpis = await computeKpis(ch.client, { ...WEEK, channel: 'store' });
    expect(kpis).toMatchObject({ orders: 1, revenueCents: 8_000, backorderRate: 0, cancellationRate: 0, returnRate: 0, onTimeRate: 1 });
    expect(kpis.deliveryTimeHours).toEqual({ p50: 24, p90: 24, mean: 24 });
    expect(kpis.fulfillmentCostCents.perOrder).toBe(550);
    expect(kpis.freshAsOf).toBe(at(1 * D + 4 * H).toISOString());
  });

  it('filters by location: orders allocated there, shipments and deliveries from there', async () => {
    const kpis = await computeKpis(ch.client, { ...WEEK, locationId: L2 });
    // B and D have units at L2; C was wholly backordered (no location)
    expect(kpis).toMatchObject({ orders: 2, revenueCents: 28_000, backorderRate: 0, cancellationRate: 0 });
    // shipments from L2: B#2 1100 + D 550 over 2 orders
    expect(kpis.fulfillmentCostCents.perOrder).toBe(825);
    // deliveries from L2: B#2 (96 h) and D (24 h) → median 60
    expect(kpis.deliveryTimeHours.p50).toBeCloseTo(60, 9);
    // 5 units delivered from L2, the return came back to L1
    expect(kpis.returnRate).toBe(0);
  });

  it('filters by category: orders with such a line, units of that category', async () => {
    const kpis = await computeKpis(ch.client, { ...WEEK, category: 'shoes' });
    // B and C; C backordered and cancelled
    expect(kpis).toMatchObject({ orders: 2, revenueCents: 25_000, backorderRate: 0.5, cancellationRate: 0.5 });
    expect(kpis.fulfillmentCostCents.perOrder).toBe(1100);
    expect(kpis.fulfillmentCostCents.splitExtraPerOrder).toBe(1100);
    expect(kpis.deliveryTimeHours.p50).toBeCloseTo(96, 9);
    expect(kpis.returnRate).toBe(0); // the TEE came back, not the SHOE
  });

  it('keeps to the window: freshAsOf is the newest event in it', async () => {
    const kpis = await computeKpis(ch.client, { from: at(0), to: at(5 * D) });
    expect(kpis.returnRate).toBe(0);
    expect(kpis.freshAsOf).toBe(at(4 * D + 2 * H).toISOString());
    const later = await computeKpis(ch.client, { from: at(10 * D), to: at(11 * D) });
    expect(later).toMatchObject({ orders: 0, revenueCents: 0, backorderRate: null, cancellationRate: null, returnRate: null, onTimeRate: null, freshAsOf: null });
    expect(later.deliveryTimeHours).toEqual({ p50: null, p90: null, mean: null });
    expect(later.fulfillmentCostCents.perOrder).toBeNull();
  });

  it('without fulfillment events (today’s order service): those KPIs are null, never invented', async () => {
    const noFulfillment = fixture.filter((e) => !['order.shipped', 'order.delivered', 'return.received'].includes(e.type));
    await empty.client.insert({ table: 'order_events', values: noFulfillment.map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
    const kpis = await computeKpis(empty.client, WEEK);
    expect(kpis).toMatchObject({ orders: 4, revenueCents: 43_000, returnRate: null, onTimeRate: null });
    expect(kpis.deliveryTimeHours).toEqual({ p50: null, p90: null, mean: null });
    expect(kpis.fulfillmentCostCents).toMatchObject({ perOrder: null, shareOfRevenue: null });
  });

  it('refuses an empty window', async () => {
    await expect(computeKpis(ch.client, { from: at(D), to: at(D) })).rejects.toThrow(/from < to/);
  });
});

describe('kpiTimeseries', () => {
  it('puts each order in its hour bucket, 0 in empty buckets', async () => {
    const points = await kpiTimeseries(ch.client, { metric: 'orders', from: at(0), to: at(6 * H), stepMs: H });
    expect(points).toEqual([0, 1, 1, 1, 1, 0].map((value, i) => ({ t: at(i * H).toISOString(), value })));
  });

  it('buckets delivery times by the order’s last delivery, null where none', async () => {
    const points = await kpiTimeseries(ch.client, { metric: 'deliveryTimeP50Hours', ...WEEK, stepMs: D });
    expect(points.map((p) => p.value)).toEqual([null, 24, 48, null, 96, null, null]);
  });

  it('applies filters and refuses too many points', async () => {
    const points = await kpiTimeseries(ch.client, { metric: 'revenueCents', from: at(0), to: at(D), stepMs: D, filters: { channel: 'web' } });
    expect(points).toEqual([{ t: at(0).toISOString(), value: 35_000 }]);
    await expect(kpiTimeseries(ch.client, { metric: 'orders', ...WEEK, stepMs: 1_000 })).rejects.toThrow(/at most 1000/);
  });
});

describe('GET /api/kpis and /api/kpis/timeseries', () => {
  const week = `from=${WEEK.from.toISOString()}&to=${WEEK.to.toISOString()}`;

  it('answers the KPIs of a window with filters', async () => {
    const body = expectStatus(await server.api.get(`/api/kpis?${week}&channel=store`), 200).body;
    expect(body).toMatchObject({ orders: 1, revenueCents: 8_000, deliveryTimeHours: { p50: 24 }, freshAsOf: at(1 * D + 4 * H).toISOString() });
    const all = expectStatus(await server.api.get(`/api/kpis?${week}`), 200).body;
    expect(all).toMatchObject({ orders: 4, revenueCents: 43_000, returnRate: 0.125, fulfillmentCostCents: { perOrder: 1150 } });
  });

  it('answers a timeseries', async () => {
    const body = expectStatus(await server.api.get(`/api/kpis/timeseries?metric=orders&from=${at(0).toISOString()}&to=${at(6 * H).toISOString()}&step=1h`), 200).body;
    expect((body as { value: number }[]).map((p) => p.value)).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it('names the bad field in a 422', async () => {
    const cases: [string, string][] = [
      ['/api/kpis?from=yesterday&to=2025-03-02T00:00:00Z', 'from'],
      [`/api/kpis?from=${WEEK.to.toISOString()}&to=${WEEK.from.toISOString()}`, 'to'],
      [`/api/kpis?to=${WEEK.to.toISOString()}`, 'from'],
      [`/api/kpis?${week}&locationId=nope`, 'locationId'],
      [`/api/kpis?${week}&channel=fax`, 'channel'],
      [`/api/kpis?${week}&colour=red`, 'colour'],
      [`/api/kpis/timeseries?metric=happiness&${week}&step=1h`, 'metric'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=soon`, 'step'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=1s`, 'step'],
      [`/api/analytics/reconciliation?from=${WEEK.to.toISOString()}&to=${WEEK.from.toISOString()}`, 'to'],
    ];
    for (const [path, field] of cases) {
      const response = await server.api.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect({ path, fields: (response.body as { errors: { path: string }[] }).errors.map((e) => e.path) }).toEqual({ path, fields: [field] });
    }
  });

  it('needs analytics:read: 401 without credentials, 403 for staff, 200 for a planner', async () => {
    expectStatus(await server.anonymous.get(`/api/kpis?${week}`), 401);
    expectStatus(await (await server.tokenClient(['staff'])).get(`/api/kpis?${week}`), 403);
    expectStatus(await (await server.tokenClient(['service'])).get(`/api/kpis/timeseries?metric=orders&${week}&step=1d`), 403);
    expectStatus(await (await server.tokenClient(['planner'])).get(`/api/kpis?${week}`), 200);
  });

  it('answers 503 unavailable on a server without ClickHouse', async () => {
    const response = await bare.api.get(`/api/kpis?${week}`);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ type: 'unavailable' });
  });

  it('the fixture maps to typed columns (relay/event-row.ts)', () => {
    const row = toOrderEventRow(fixture.find((e) => e.type === 'order.shipped' && e.payload['shipmentNumber'] === 2)!);
    expect(row).toMatchObject({ carrier: 'ups', shipment_number: 2, packages: 1, location_id: L2, units: 1, label_cost_cents: 700, packaging_cost_cents: 150, pick_pack_cost_cents: 250, status: 'shipped' });
    expect(toOrderEventRow(fixture[0]!)).not.toHaveProperty('carrier');
    expect(NIL).toBe(toOrderEventRow(fixture[0]!)['location_id']);
  });
});

describe('GET /api/kpis/backlog', () => {
  it('counts open orders now per current status × location, with channel and location filters', async () => {
    const store = await openTestClickHouse();
    const backlogServer = await startTestServer({ clickhouse: store.client });
    try {
      const [E, F, G, K] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const allocated = (orderId: string, atMs: number, channel: string, sku: string, locationId: string) =>
        event('order.allocated', orderId, at(atMs), { channel, allocations: [{ sku, locationId, quantity: 1 }] });
      const events = [
        placed(E, 1 * H, 'web', 100, [{ ...TEE, quantity: 1 }]),
        allocated(E, 1 * H, 'web', 'TEE', L1),
        placed(F, 2 * H, 'web', 100, [{ ...TEE, quantity: 1 }]),
        allocated(F, 2 * H, 'web', 'TEE', L1),
        placed(G, 3 * H, 'store', 100, [{ ...HAT, quantity: 1 }]),
        allocated(G, 3 * H, 'store', 'HAT', L2),
        // Cancelled: no longer in the backlog.
        placed(K, 4 * H, 'web', 100, [{ ...TEE, quantity: 1 }]),
        allocated(K, 4 * H, 'web', 'TEE', L2),
        event('order.cancelled', K, at(5 * H), { channel: 'web', from: 'allocated', released: [{ sku: 'TEE', locationId: L2, quantity: 1 }], totalCents: 100, currency: 'USD' }),
      ];
      await store.client.insert({ table: 'order_events', values: events.map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
      const byLocation = <T extends { locationId: string }>(cells: T[]) => [...cells].sort((a, b) => a.locationId.localeCompare(b.locationId));

      const all = expectStatus(await backlogServer.api.get('/api/kpis/backlog'), 200).body as { status: string; locationId: string; orders: number }[];
      expect(byLocation(all)).toEqual(byLocation([{ status: 'allocated', locationId: L1, orders: 2 }, { status: 'allocated', locationId: L2, orders: 1 }]));
      expect(expectStatus(await backlogServer.api.get('/api/kpis/backlog?channel=store'), 200).body).toEqual([{ status: 'allocated', locationId: L2, orders: 1 }]);
      expect(expectStatus(await backlogServer.api.get(`/api/kpis/backlog?locationId=${L1}`), 200).body).toEqual([{ status: 'allocated', locationId: L1, orders: 2 }]);
      expectStatus(await backlogServer.api.get('/api/kpis/backlog?locationId=nope'), 422);
    } finally {
      await backlogServer.close();
      await store.client.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { computeKpis, kpiTimeseries } from '#analytics/kpis/compute-kpis.ts';
import { KPI_FILTER_DEFINITIONS } from '#analytics/kpis/definitions.ts';
import { toOrderEventRow, type OutboxEvent } from '#analytics/relay/event-row.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { openTestClickHouse } from './clickhouse-fixture.ts';

/**
 * A hand-built fixture of four orders in the first week and a fifth in the second (events
 * inserted straight into order_events through the relay's own row mapping), with every expected
 * value worked out by hand below. Fulfillment events carry their order's destination.
 *
 *   A web → TX, placed +1h, 10000¢, TEE×2 (apparel) at L1; shipped by fedex from L1
 *     (300+100+600); delivered +2d1h (48 h, promised +3d: on time)
 *   B web → CA, placed +2h, 20000¢, TEE×1 at L1 + SHOE×1 (shoes) at L2: split in two shipments,
 *     #1 by ups from L1 (200+100+500) delivered +1d2h (24 h), #2 by fedex from L2 (250+150+700)
 *     delivered +4d2h (last delivery: 96 h, promised +3d: late); TEE×1 returned at +5d
 *   C web → TX, placed +3h, 5000¢, SHOE×1 wholly backordered; cancelled at +6h
 *   D store → "tx" (as typed), placed +4h, 8000¢, HAT×4 (apparel) at L2; shipped by ups from L2
 *     (100+50+400); delivered +1d4h (24 h, promised +2d: on time)
 *
 *   E web → WA, placed +7d1h, 7000¢, TEE×3 + HAT×1 at L1, promised +9d; #1 TEE×3 by ups
 *     (150+50+300) delivered +8d1h (24 h, on time), #2 HAT×1 by dhl (100+50+250) delivered
 *     +9d7h (54 h, late); one return of TEE×1 + HAT×1 at +9d12h
 */
const T0 = Date.parse('2025-03-01T00:00:00Z');
const H = 3_600_000;
const D = 24 * H;
const at = (ms: number) => new Date(T0 + ms);
const L1 = randomUUID();
const L2 = randomUUID();
const NIL = '00000000-0000-0000-0000-000000000000';
const ids = { A: randomUUID(), B: randomUUID(), C: randomUUID(), D: randomUUID(), E: randomUUID() };

let nextId = 1;
function event(type: string, orderId: string, occurredAt: Date, payload: Record<string, unknown>): OutboxEvent {
  return { id: nextId++, eventId: randomUUID(), type, aggregateType: 'order', aggregateId: orderId, occurredAt, payload };
}

type Line = { sku: string; category: string; quantity: number };
/** order.placed's `destination`, which the fulfillment events of the order copy. */
const address = (region: string) => ({ country: 'US', region, postalCode: '00000' });

function placed(orderId: string, atMs: number, channel: string, total: number, lines: Line[], destination: ReturnType<typeof address> | null = null) {
  return event('order.placed', orderId, at(atMs), {
    channel,
    currency: 'USD',
    totals: { subtotal: total, discount: 0, tax: 0, shipping: 0, total },
    lines: lines.map((l) => ({ ...l, unitPriceCents: 100, discountCents: 0, taxCents: 0 })),
    destination,
  });
}

type Fulfillment = { channel: string; carrier: string; destination: ReturnType<typeof address>; placedMs: number; promisedMs: number; location: string; lines: Line[] };

function shipped(orderId: string, atMs: number, o: Fulfillment & { n: number; costs: [number, number, number] }) {
  return event('order.shipped', orderId, at(atMs), {
    channel: o.channel,
    shipmentId: randomUUID(),
    shipmentNumber: o.n,
    locationId: o.location,
    carrier: o.carrier,
    service: 'ground',
    placedAt: at(o.placedMs).toISOString(),
    promisedAt: at(o.promisedMs).toISOString(),
    packages: [{ trackingNumber: `1Z${nextId}`, weightGrams: 500 }],
    lines: o.lines,
    pickPackCostCents: o.costs[0],
    packagingCostCents: o.costs[1],
    labelCostCents: o.costs[2],
    destination: o.destination,
  });
}

function delivered(orderId: string, atMs: number, o: Fulfillment) {
  return event('order.delivered', orderId, at(atMs), {
    channel: o.channel,
    shipmentId: randomUUID(),
    locationId: o.location,
    carrier: o.carrier,
    placedAt: at(o.placedMs).toISOString(),
    promisedAt: at(o.promisedMs).toISOString(),
    deliveredAt: at(atMs).toISOString(),
    lines: o.lines,
    destination: o.destination,
  });
}

function returned(orderId: string, atMs: number, o: { channel: string; destination: ReturnType<typeof address>; location: string; lines: Line[] }) {
  return event('return.received', orderId, at(atMs), { channel: o.channel, returnId: randomUUID(), locationId: o.location, lines: o.lines, reason: 'too small', destination: o.destination });
}

const TEE = { sku: 'TEE', category: 'apparel' };
const SHOE = { sku: 'SHOE', category: 'shoes' };
const HAT = { sku: 'HAT', category: 'apparel' };

const [TX, CA, TX_AS_TYPED, WA] = [address('TX'), address('CA'), address('tx'), address('WA')];
const ofA = { channel: 'web', destination: TX, placedMs: 1 * H, promisedMs: 3 * D, location: L1 };
const ofB = { channel: 'web', destination: CA, placedMs: 2 * H, promisedMs: 3 * D };
const ofD = { channel: 'store', destination: TX_AS_TYPED, placedMs: 4 * H, promisedMs: 2 * D, location: L2 };
const ofE = { channel: 'web', destination: WA, placedMs: 7 * D + 1 * H, promisedMs: 9 * D, location: L1 };

const fixture: OutboxEvent[] = [
  placed(ids.A, 1 * H, 'web', 10_000, [{ ...TEE, quantity: 2 }], TX),
  event('payment.authorized', ids.A, at(1 * H), { amountCents: 10_000, currency: 'USD' }),
  event('order.allocated', ids.A, at(1 * H), { channel: 'web', allocations: [{ sku: 'TEE', locationId: L1, quantity: 2 }] }),
  placed(ids.B, 2 * H, 'web', 20_000, [{ ...TEE, quantity: 1 }, { ...SHOE, quantity: 1 }], CA),
  event('order.allocated', ids.B, at(2 * H), { channel: 'web', allocations: [{ sku: 'TEE', locationId: L1, quantity: 1 }, { sku: 'SHOE', locationId: L2, quantity: 1 }] }),
  placed(ids.C, 3 * H, 'web', 5_000, [{ ...SHOE, quantity: 1 }], TX),
  event('order.backordered', ids.C, at(3 * H), { channel: 'web', allocations: [], backordered: [{ sku: 'SHOE', quantity: 1 }] }),
  placed(ids.D, 4 * H, 'store', 8_000, [{ ...HAT, quantity: 4 }], TX_AS_TYPED),
  event('order.allocated', ids.D, at(4 * H), { channel: 'store', allocations: [{ sku: 'HAT', locationId: L2, quantity: 4 }] }),
  event('order.cancelled', ids.C, at(6 * H), { channel: 'web', from: 'backordered', released: [], totalCents: 5_000, currency: 'USD' }),
  shipped(ids.A, 1 * D, { ...ofA, carrier: 'fedex', n: 1, costs: [300, 100, 600], lines: [{ ...TEE, quantity: 2 }] }),
  shipped(ids.B, 1 * D, { ...ofB, carrier: 'ups', location: L1, n: 1, costs: [200, 100, 500], lines: [{ ...TEE, quantity: 1 }] }),
  shipped(ids.B, 2 * D, { ...ofB, carrier: 'fedex', location: L2, n: 2, costs: [250, 150, 700], lines: [{ ...SHOE, quantity: 1 }] }),
  shipped(ids.D, 1 * D, { ...ofD, carrier: 'ups', n: 1, costs: [100, 50, 400], lines: [{ ...HAT, quantity: 4 }] }),
  delivered(ids.B, 1 * D + 2 * H, { ...ofB, carrier: 'ups', location: L1, lines: [{ ...TEE, quantity: 1 }] }),
  delivered(ids.D, 1 * D + 4 * H, { ...ofD, carrier: 'ups', lines: [{ ...HAT, quantity: 4 }] }),
  delivered(ids.A, 2 * D + 1 * H, { ...ofA, carrier: 'fedex', lines: [{ ...TEE, quantity: 2 }] }),
  delivered(ids.B, 4 * D + 2 * H, { ...ofB, carrier: 'fedex', location: L2, lines: [{ ...SHOE, quantity: 1 }] }),
  returned(ids.B, 5 * D, { channel: 'web', destination: CA, location: L1, lines: [{ ...TEE, quantity: 1 }] }),
  // The second week: one order whose shipments, deliveries and return mix skus and carriers.
  placed(ids.E, 7 * D + 1 * H, 'web', 7_000, [{ ...TEE, quantity: 3 }, { ...HAT, quantity: 1 }], WA),
  event('order.allocated', ids.E, at(7 * D + 1 * H), { channel: 'web', allocations: [{ sku: 'TEE', locationId: L1, quantity: 3 }, { sku: 'HAT', locationId: L1, quantity: 1 }] }),
  shipped(ids.E, 7 * D + 12 * H, { ...ofE, carrier: 'ups', n: 1, costs: [150, 50, 300], lines: [{ ...TEE, quantity: 3 }] }),
  shipped(ids.E, 7 * D + 13 * H, { ...ofE, carrier: 'dhl', n: 2, costs: [100, 50, 250], lines: [{ ...HAT, quantity: 1 }] }),
  delivered(ids.E, 8 * D + 1 * H, { ...ofE, carrier: 'ups', lines: [{ ...TEE, quantity: 3 }] }),
  delivered(ids.E, 9 * D + 7 * H, { ...ofE, carrier: 'dhl', lines: [{ ...HAT, quantity: 1 }] }),
  returned(ids.E, 9 * D + 12 * H, { channel: 'web', destination: WA, location: L1, lines: [{ ...TEE, quantity: 1 }, { ...HAT, quantity: 1 }] }),
];

const WEEK = { from: at(0), to: at(7 * D) };
const SECOND_WEEK = { from: at(7 * D), to: at(10 * D) };

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

  it('filters by carrier (any case): its shipments and deliveries, the orders it shipped, the returned units it had shipped', async () => {
    const fedex = await computeKpis(ch.client, { ...WEEK, carrier: 'fedex' });
    // A and B had a fedex shipment; neither was backordered or cancelled
    expect(fedex).toMatchObject({ orders: 2, revenueCents: 30_000, backorderRate: 0, cancellationRate: 0 });
    // A 300+100+600 and B#2 250+150+700 = 2100 over 2 orders; B#2 is B's second shipment
    expect(fedex.fulfillmentCostCents).toEqual({ perOrder: 1050, shareOfRevenue: 0.07, pickPackPerOrder: 275, packagingPerOrder: 125, labelPerOrder: 650, splitExtraPerOrder: 550 });
    // by fedex: A 48 h, B 96 h (B#2) → p50 72, p90 48 + 0.9·48 = 91.2, mean 72; A on time, B late
    expect(fedex.deliveryTimeHours.p50).toBeCloseTo(72, 9);
    expect(fedex.deliveryTimeHours.p90).toBeCloseTo(91.2, 9);
    expect(fedex.deliveryTimeHours.mean).toBeCloseTo(72, 9);
    expect(fedex.onTimeRate).toBe(0.5);
    // 3 units delivered by fedex; B's returned TEE went out with ups, not fedex
    expect(fedex.returnRate).toBe(0);
    expect(fedex.freshAsOf).toBe(at(4 * D + 2 * H).toISOString());

    const ups = await computeKpis(ch.client, { ...WEEK, carrier: 'ups' });
    expect(ups).toMatchObject({ orders: 2, revenueCents: 28_000, backorderRate: 0, cancellationRate: 0, onTimeRate: 1 });
    // B#1 800 + D 550 over 2 orders, no split extra
    expect(ups.fulfillmentCostCents).toMatchObject({ perOrder: 675, splitExtraPerOrder: 0 });
    // B to its ups delivery (B#1) 24 h, D 24 h
    expect(ups.deliveryTimeHours).toEqual({ p50: 24, p90: 24, mean: 24 });
    // 1 + 4 units delivered by ups, B's TEE (shipped in B#1) came back
    expect(ups.returnRate).toBe(0.2);
    expect(ups.freshAsOf).toBe(at(5 * D).toISOString());

    // compared case-insensitively, like a region
    expect(await computeKpis(ch.client, { ...WEEK, carrier: 'FedEx' })).toEqual(fedex);
    const nobody = await computeKpis(ch.client, { ...WEEK, carrier: 'dhl' });
    expect(nobody).toMatchObject({ orders: 0, returnRate: null, onTimeRate: null, freshAsOf: null });
  });

  it('filters by destination region, case-insensitively, backorders and cancellations through their order', async () => {
    for (const region of ['TX', 'tx']) {
      const tx = await computeKpis(ch.client, { ...WEEK, region });
      // A, C and D ("tx" as typed); C backordered and cancelled
      expect(tx).toMatchObject({ orders: 3, revenueCents: 23_000, backorderRate: 1 / 3, cancellationRate: 1 / 3, onTimeRate: 1, returnRate: 0 });
      // A 1000 + D 550 over 2 shipped orders
      expect(tx.fulfillmentCostCents.perOrder).toBe(775);
      // A 48 h, D 24 h → p50 36, p90 24 + 0.9·24 = 45.6, mean 36
      expect(tx.deliveryTimeHours.p50).toBeCloseTo(36, 9);
      expect(tx.deliveryTimeHours.p90).toBeCloseTo(45.6, 9);
      expect(tx.deliveryTimeHours.mean).toBeCloseTo(36, 9);
      expect(tx.freshAsOf).toBe(at(2 * D + 1 * H).toISOString());
    }
    const ca = await computeKpis(ch.client, { ...WEEK, region: 'CA' });
    expect(ca).toMatchObject({ orders: 1, revenueCents: 20_000, backorderRate: 0, cancellationRate: 0, onTimeRate: 0, returnRate: 0.5 });
    expect(ca.deliveryTimeHours).toEqual({ p50: 96, p90: 96, mean: 96 });
    expect(ca.fulfillmentCostCents).toMatchObject({ perOrder: 1900, splitExtraPerOrder: 1100 });
  });

  it('filters by sku: orders with such a line, only that sku’s units in the return rate', async () => {
    const tee = await computeKpis(ch.client, { ...WEEK, sku: 'TEE' });
    expect(tee).toMatchObject({ orders: 2, revenueCents: 30_000, backorderRate: 0, cancellationRate: 0, onTimeRate: 1 });
    // shipments with a TEE: A 1000, B#1 800; deliveries with a TEE: A 48 h, B#1 24 h
    expect(tee.fulfillmentCostCents.perOrder).toBe(900);
    expect(tee.deliveryTimeHours.p50).toBeCloseTo(36, 9);
    expect(tee.deliveryTimeHours.p90).toBeCloseTo(45.6, 9);
    // TEE units: 2 + 1 delivered, 1 returned
    expect(tee.returnRate).toBeCloseTo(1 / 3, 12);
    const shoe = await computeKpis(ch.client, { ...WEEK, sku: 'SHOE' });
    // B and C; C's backorder and cancellation found through its order.placed
    expect(shoe).toMatchObject({ orders: 2, revenueCents: 25_000, backorderRate: 0.5, cancellationRate: 0.5, returnRate: 0 });
    expect(shoe.deliveryTimeHours).toEqual({ p50: 96, p90: 96, mean: 96 });
  });

  it('counts only the filtered units of deliveries and returns that mix skus and carriers (second week)', async () => {
    const all = await computeKpis(ch.client, SECOND_WEEK);
    // E: 3 + 1 units delivered, 2 returned; last delivery +9d7h − placed +7d1h = 54 h, promised +9d: late
    expect(all).toMatchObject({ orders: 1, revenueCents: 7_000, returnRate: 0.5, onTimeRate: 0, deliveryTimeHours: { p50: 54, p90: 54, mean: 54 } });
    expect(all.fulfillmentCostCents).toMatchObject({ perOrder: 900, splitExtraPerOrder: 400 });
    // the return holds a TEE and a HAT: by sku, one of 3 TEEs and the one HAT came back
    expect((await computeKpis(ch.client, { ...SECOND_WEEK, sku: 'TEE' })).returnRate).toBeCloseTo(1 / 3, 12);
    expect(await computeKpis(ch.client, { ...SECOND_WEEK, sku: 'HAT' })).toMatchObject({ returnRate: 1, onTimeRate: 0, deliveryTimeHours: { p50: 54 }, fulfillmentCostCents: { perOrder: 400 } });
    // both are apparel
    expect((await computeKpis(ch.client, { ...SECOND_WEEK, category: 'apparel' })).returnRate).toBe(0.5);
    // by carrier: ups shipped the TEEs (1 of 3 back, delivered in 24 h, on time), dhl the HAT
    const ups = await computeKpis(ch.client, { ...SECOND_WEEK, carrier: 'ups' });
    expect(ups.returnRate).toBeCloseTo(1 / 3, 12);
    expect(ups).toMatchObject({ orders: 1, onTimeRate: 1, deliveryTimeHours: { p50: 24, p90: 24, mean: 24 }, fulfillmentCostCents: { perOrder: 500 } });
    expect(await computeKpis(ch.client, { ...SECOND_WEEK, carrier: 'dhl' })).toMatchObject({ returnRate: 1, onTimeRate: 0, deliveryTimeHours: { p50: 54 } });
    // filters combine: ups delivered no HAT
    expect(await computeKpis(ch.client, { ...SECOND_WEEK, carrier: 'ups', sku: 'HAT' })).toMatchObject({ orders: 1, returnRate: null, onTimeRate: null });
    expect(await computeKpis(ch.client, { ...SECOND_WEEK, region: 'wa' })).toEqual(all);
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

  it('applies the carrier, region and sku filters per bucket', async () => {
    const fedex = await kpiTimeseries(ch.client, { metric: 'deliveryTimeP50Hours', ...WEEK, stepMs: D, filters: { carrier: 'fedex' } });
    expect(fedex.map((p) => p.value)).toEqual([null, null, 48, null, 96, null, null]);
    const ups = await kpiTimeseries(ch.client, { metric: 'onTimeRate', ...WEEK, stepMs: D, filters: { carrier: 'ups' } });
    expect(ups.map((p) => p.value)).toEqual([null, 1, null, null, null, null, null]);
    const tx = await kpiTimeseries(ch.client, { metric: 'orders', from: at(0), to: at(6 * H), stepMs: H, filters: { region: 'TX' } });
    expect(tx.map((p) => p.value)).toEqual([0, 1, 0, 1, 1, 0]);
    const tee = await kpiTimeseries(ch.client, { metric: 'returnRate', ...SECOND_WEEK, stepMs: D, filters: { sku: 'TEE' } });
    // day 7: nothing delivered; day 8: 3 TEEs delivered, none back; day 9: 1 back but none delivered
    expect(tee.map((p) => p.value)).toEqual([null, 0, null]);
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

  it('passes the carrier, region and sku filters through', async () => {
    const fedex = expectStatus(await server.api.get(`/api/kpis?${week}&carrier=fedex`), 200).body;
    expect(fedex).toMatchObject({ orders: 2, onTimeRate: 0.5, deliveryTimeHours: { p50: 72, mean: 72 }, returnRate: 0 });
    expect(expectStatus(await server.api.get(`/api/kpis?${week}&region=tx`), 200).body).toMatchObject({ orders: 3, backorderRate: 1 / 3 });
    const secondWeek = `from=${SECOND_WEEK.from.toISOString()}&to=${SECOND_WEEK.to.toISOString()}`;
    expect(expectStatus(await server.api.get(`/api/kpis?${secondWeek}&sku=HAT`), 200).body).toMatchObject({ returnRate: 1 });
    const series = expectStatus(await server.api.get(`/api/kpis/timeseries?metric=deliveryTimeP50Hours&${week}&step=1d&carrier=fedex&region=TX`), 200).body;
    expect((series as { value: number | null }[]).map((p) => p.value)).toEqual([null, null, 48, null, null, null, null]);
    const teeOrders = expectStatus(await server.api.get(`/api/kpis/timeseries?metric=orders&${week}&step=1d&sku=TEE`), 200).body;
    expect((teeOrders as { value: number }[]).map((p) => p.value)).toEqual([2, 0, 0, 0, 0, 0, 0]);
  });

  it('answers a relative window (the last 1h, 24h, 7d, 30d) up to the server’s now, rounded up to the next whole minute', async () => {
    let now = at(7 * D - 30_000);
    const pinned = await startTestServer({ clickhouse: ch.client, clock: { now: () => now } });
    try {
      // Half a minute before the week ends, the last 7 days are exactly the week.
      const all = expectStatus(await pinned.api.get(`/api/kpis?${week}`), 200).body;
      expect(expectStatus(await pinned.api.get('/api/kpis?window=7d'), 200).body).toEqual(all);
      expect(expectStatus(await pinned.api.get('/api/kpis?window=7d&channel=store'), 200).body).toEqual(expectStatus(await pinned.api.get(`/api/kpis?${week}&channel=store`), 200).body);
      // At +4h00m10s the last hour is [+3h01m, +4h01m): D (placed +4h) is in, C (placed +3h) is not.
      now = at(4 * H + 10_000);
      expect(expectStatus(await pinned.api.get('/api/kpis?window=1h'), 200).body).toMatchObject({ orders: 1, revenueCents: 8_000, freshAsOf: at(4 * H).toISOString() });
      // At +4h exactly, the window ends at +4h01m: an order placed this instant is in.
      now = at(4 * H);
      expect(expectStatus(await pinned.api.get('/api/kpis?window=24h'), 200).body).toMatchObject({ orders: 4, revenueCents: 43_000 });
      now = at(4 * H - 1);
      expect(expectStatus(await pinned.api.get('/api/kpis?window=24h'), 200).body).toMatchObject({ orders: 3, revenueCents: 35_000 });
    } finally {
      await pinned.close();
    }
  });

  it('documents every filter, with its definition, in the OpenAPI document', async () => {
    type Doc = { paths: Record<string, { get: { parameters: { name: string; description?: string }[] } }> };
    const doc = expectStatus(await server.anonymous.get('/api/openapi.json'), 200).body as Doc;
    for (const path of ['/api/kpis', '/api/kpis/timeseries']) {
      const parameters = doc.paths[path]!.get.parameters;
      expect(parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['channel', 'locationId', 'category', 'carrier', 'region', 'sku']));
      expect(parameters.find((p) => p.name === 'carrier')!.description).toContain(KPI_FILTER_DEFINITIONS.carrier);
    }
    expect(doc.paths['/api/kpis/backlog']!.get.parameters.map((p) => p.name).sort()).toEqual(['channel', 'locationId', 'region']);
    const window = doc.paths['/api/kpis']!.get.parameters.find((p) => p.name === 'window');
    expect(window?.description).toContain('instead of from and to');
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
      ['/api/kpis', 'from,to'],
      ['/api/kpis?window=2h', 'window'],
      [`/api/kpis?window=24h&from=${WEEK.from.toISOString()}`, 'from'],
      [`/api/kpis?window=24h&${week}`, 'from,to'],
      [`/api/kpis?${week}&locationId=nope`, 'locationId'],
      [`/api/kpis?${week}&channel=fax`, 'channel'],
      [`/api/kpis?${week}&colour=red`, 'colour'],
      [`/api/kpis?${week}&carrier=`, 'carrier'],
      [`/api/kpis?${week}&carrier=${'x'.repeat(65)}`, 'carrier'],
      [`/api/kpis?${week}&region=%20`, 'region'],
      [`/api/kpis?${week}&region=${'X'.repeat(101)}`, 'region'],
      [`/api/kpis?${week}&sku=no%20spaces`, 'sku'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=1h&carrier=%20`, 'carrier'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=1h&sku=`, 'sku'],
      ['/api/kpis/backlog?region=', 'region'],
      ['/api/kpis/backlog?carrier=ups', 'carrier'],
      [`/api/kpis/timeseries?metric=happiness&${week}&step=1h`, 'metric'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=soon`, 'step'],
      [`/api/kpis/timeseries?metric=orders&${week}&step=1s`, 'step'],
      [`/api/analytics/reconciliation?from=${WEEK.to.toISOString()}&to=${WEEK.from.toISOString()}`, 'to'],
    ];
    for (const [path, field] of cases) {
      const response = await server.api.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 422 });
      expect({ path, fields: (response.body as { errors: { path: string }[] }).errors.map((e) => e.path) }).toEqual({ path, fields: field.split(',') });
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
    expect(row).toMatchObject({ carrier: 'fedex', shipment_number: 2, packages: 1, location_id: L2, units: 1, label_cost_cents: 700, packaging_cost_cents: 150, pick_pack_cost_cents: 250, status: 'shipped' });
    // the order's destination, copied into every fulfillment event, fills the region filter's column
    expect(row).toMatchObject({ country: 'US', region: 'CA' });
    expect(toOrderEventRow(fixture.find((e) => e.type === 'return.received')!)).toMatchObject({ region: 'CA', shipment_id: expect.any(String), units: 1 });
    expect(toOrderEventRow(fixture[0]!)).not.toHaveProperty('carrier');
    expect(NIL).toBe(toOrderEventRow(fixture[0]!)['location_id']);
  });
});

describe('GET /api/kpis/backlog', () => {
  it('counts open orders now per current status × location, with channel, location and region filters', async () => {
    const store = await openTestClickHouse();
    const backlogServer = await startTestServer({ clickhouse: store.client });
    try {
      const [E, F, G, K] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const allocated = (orderId: string, atMs: number, channel: string, sku: string, locationId: string) =>
        event('order.allocated', orderId, at(atMs), { channel, allocations: [{ sku, locationId, quantity: 1 }] });
      const events = [
        placed(E, 1 * H, 'web', 100, [{ ...TEE, quantity: 1 }], address('TX')),
        allocated(E, 1 * H, 'web', 'TEE', L1),
        placed(F, 2 * H, 'web', 100, [{ ...TEE, quantity: 1 }], address('CA')),
        allocated(F, 2 * H, 'web', 'TEE', L1),
        placed(G, 3 * H, 'store', 100, [{ ...HAT, quantity: 1 }], address('ca')),
        allocated(G, 3 * H, 'store', 'HAT', L2),
        // Cancelled: no longer in the backlog.
        placed(K, 4 * H, 'web', 100, [{ ...TEE, quantity: 1 }], address('TX')),
        allocated(K, 4 * H, 'web', 'TEE', L2),
        event('order.cancelled', K, at(5 * H), { channel: 'web', from: 'allocated', released: [{ sku: 'TEE', locationId: L2, quantity: 1 }], totalCents: 100, currency: 'USD' }),
      ];
      await store.client.insert({ table: 'order_events', values: events.map(toOrderEventRow), format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
      const byLocation = <T extends { locationId: string }>(cells: T[]) => [...cells].sort((a, b) => a.locationId.localeCompare(b.locationId));

      const all = expectStatus(await backlogServer.api.get('/api/kpis/backlog'), 200).body as { status: string; locationId: string; orders: number }[];
      expect(byLocation(all)).toEqual(byLocation([{ status: 'allocated', locationId: L1, orders: 2 }, { status: 'allocated', locationId: L2, orders: 1 }]));
      expect(expectStatus(await backlogServer.api.get('/api/kpis/backlog?channel=store'), 200).body).toEqual([{ status: 'allocated', locationId: L2, orders: 1 }]);
      expect(expectStatus(await backlogServer.api.get(`/api/kpis/backlog?locationId=${L1}`), 200).body).toEqual([{ status: 'allocated', locationId: L1, orders: 2 }]);
      // F "CA" and G "ca"; of the TX orders, K was cancelled
      expect(byLocation(expectStatus(await backlogServer.api.get('/api/kpis/backlog?region=CA'), 200).body as typeof all)).toEqual(
        byLocation([{ status: 'allocated', locationId: L1, orders: 1 }, { status: 'allocated', locationId: L2, orders: 1 }]),
      );
      expect(expectStatus(await backlogServer.api.get('/api/kpis/backlog?region=tx'), 200).body).toEqual([{ status: 'allocated', locationId: L1, orders: 1 }]);
      expect(expectStatus(await backlogServer.api.get('/api/kpis/backlog?region=WA'), 200).body).toEqual([]);
      expectStatus(await backlogServer.api.get('/api/kpis/backlog?locationId=nope'), 422);
    } finally {
      await backlogServer.close();
      await store.client.close();
    }
  });
});

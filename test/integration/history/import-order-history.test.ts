import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { createLocation, createProduct, createStore, expectStatus, orderBody } from '#test/support/factories.ts';
import { CARRIER_SECRET, startWebhookApp } from '../fulfillment/carrier-webhook-app.ts';
import { daysAgo, outboxAt, simulatorClient, startHistoryServer } from './history-fixture.ts';
import type { TestServer } from '#test/support/test-server.ts';

/** POST /api/orders/history: closed orders imported whole, each in its final state with its timeline. */
let server: TestServer;
let simulator: ApiClient;
let carriers: Awaited<ReturnType<typeof startWebhookApp>>;
let warehouse: { id: string };
let store: { id: string };
let tee: { sku: string; priceCents: number };
let mug: { sku: string; priceCents: number };

beforeAll(async () => {
  server = await startHistoryServer();
  simulator = await simulatorClient(server);
  carriers = await startWebhookApp(server, requestScopedClock(systemClock));
  warehouse = await createLocation(server.api, { lat: 32.78, lon: -96.8 });
  store = await createStore(server.api, { lat: 30.27, lon: -97.74, offersPickup: true });
  tee = await createProduct(server.api, { category: 'apparel', priceCents: 2000 });
  mug = await createProduct(server.api, { category: 'home', priceCents: 1200, weightGrams: 400 });
});
afterAll(async () => {
  await carriers.close();
  await server.close();
});

const iso = (d: Date) => d.toISOString();
const hours = (from: Date, h: number) => new Date(from.getTime() + h * 3_600_000);

/** A two-line order shipped from the warehouse; `deliveredAfterHours` null keeps it with the carrier. */
function shippedItem(placedAt: Date, deliveredAfterHours: number | null = 50, overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey: randomUUID(),
    placedAt: iso(placedAt),
    order: orderBody([
      { sku: tee.sku, quantity: 2 },
      { sku: mug.sku, quantity: 1 },
    ]),
    shipments: [
      {
        locationId: warehouse.id,
        lines: [
          { sku: tee.sku, quantity: 2 },
          { sku: mug.sku, quantity: 1 },
        ],
        pickingStartedAt: iso(hours(placedAt, 1)),
        packedAt: iso(hours(placedAt, 1.5)),
        shippedAt: iso(hours(placedAt, 6)),
        ...(deliveredAfterHours === null ? {} : { deliveredAt: iso(hours(placedAt, deliveredAfterHours)) }),
      },
    ],
    ...overrides,
  };
}

async function importOrders(orders: unknown[], client: ApiClient = simulator) {
  return expectStatus(await client.post('/api/orders/history', { orders }), 200).body as {
    summary: { orders: number; created: number; repeated: number; failed: number };
    results: any[];
  };
}

async function levelOf(sku: string, locationId: string) {
  const { rows } = await server.pool.query('select on_hand, reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return rows[0] ?? null;
}

describe('importing closed orders', () => {
  it('writes a delivered and returned order in its final state, with its whole timeline at its own moments and no stock moved', async () => {
    const placedAt = daysAgo(20);
    const item = shippedItem(placedAt, 50, {
      return: {
        requestedAt: iso(hours(placedAt, 24 * 7)),
        authorizedAt: iso(hours(placedAt, 24 * 7 + 2)),
        receivedAt: iso(hours(placedAt, 24 * 11)),
        resolvedAt: iso(hours(placedAt, 24 * 12)),
        locationId: warehouse.id,
        resolution: 'refund',
        lines: [{ sku: tee.sku, quantity: 1, reason: 'size_or_fit', disposition: 'restock' }],
      },
    });
    const { summary, results } = await importOrders([item]);
    expect(summary).toEqual({ orders: 1, created: 1, repeated: 0, failed: 0 });
    const [result] = results;
    expect(result).toMatchObject({ status: 201, orderStatus: 'returned', shipments: [{ number: 1, locationId: warehouse.id, status: 'delivered' }] });
    expect(result.shipments[0].packages[0]).toMatchObject({ number: 1, status: 'delivered' });

    const order = expectStatus(await server.api.get(`/api/orders/${result.orderId}`), 200).body as any;
    expect(order).toMatchObject({ status: 'returned', placedAt: iso(placedAt), totals: { subtotal: 5200 } });
    expect(order.payment).toMatchObject({ method: 'card', status: 'partially_refunded', capturedCents: order.totals.total });
    expect(order.payment.refundedCents).toBeGreaterThan(2000);
    const timeline = await outboxAt(server, result.orderId);
    expect(timeline.map((e) => e.type)).toEqual([
      'order.placed',
      'payment.authorized',
      'order.allocated',
      'order.picking_started',
      'order.packed',
      'order.shipped',
      'payment.captured',
      'order.delivered',
      'return.requested',
      'return.authorized',
      'return.received',
      'return.inspected',
      'payment.refunded',
      'return.resolved',
    ]);
    expect(timeline[0]!.occurredAt).toBe(iso(placedAt));
    expect(timeline.find((e) => e.type === 'order.delivered')!.occurredAt).toBe(iso(hours(placedAt, 50)));
    const { rows: rma } = await server.pool.query('select status, resolution, refunded_cents, number from returns where order_id = $1', [result.orderId]);
    expect(rma).toEqual([{ status: 'resolved', resolution: 'refund', refunded_cents: order.payment.refundedCents, number: expect.stringMatching(/^R\d+$/) }]);
    // History's units left long ago: no level was touched, none reserved.
    expect(await levelOf(tee.sku, warehouse.id)).toBeNull();
  });

  it('imports a cancelled order, a parcel still with its carrier and a pickup, each as it stood', async () => {
    const placedAt = daysAgo(3);
    const cancelled = { idempotencyKey: randomUUID(), placedAt: iso(placedAt), order: orderBody([{ sku: tee.sku, quantity: 1 }]), cancelledAt: iso(hours(placedAt, 0.5)) };
    const inTransit = shippedItem(placedAt, null);
    const pickupAt = daysAgo(2);
    const pickup = {
      idempotencyKey: randomUUID(),
      placedAt: iso(pickupAt),
      order: orderBody([{ sku: mug.sku, quantity: 1 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: store.id } }),
      shipments: [
        {
          locationId: store.id,
          lines: [{ sku: mug.sku, quantity: 1 }],
          pickingStartedAt: iso(hours(pickupAt, 2)),
          packedAt: iso(hours(pickupAt, 2.2)),
          shippedAt: iso(hours(pickupAt, 2.4)),
          deliveredAt: iso(hours(pickupAt, 20)),
        },
      ],
    };
    const { summary, results } = await importOrders([cancelled, inTransit, pickup]);
    expect(summary.created).toBe(3);
    expect(results[0]).toMatchObject({ status: 201, orderStatus: 'cancelled', shipments: [] });
    expect(results[1]).toMatchObject({ status: 201, orderStatus: 'shipped', shipments: [{ status: 'shipped', packages: [{ status: 'in_transit' }] }] });
    expect(results[2]).toMatchObject({ status: 201, orderStatus: 'delivered', shipments: [{ status: 'picked_up', carrier: null }] });
    const cancelledOrder = expectStatus(await server.api.get(`/api/orders/${results[0].orderId}`), 200).body as any;
    expect(cancelledOrder.payment).toMatchObject({ status: 'voided', capturedCents: 0 });

    // The parcel moves on with its carrier's scans, as a parcel Tower shipped itself would.
    const trackingNumber = results[1].shipments[0].packages[0].trackingNumber;
    const carrier = results[1].shipments[0].carrier;
    const raw = JSON.stringify({ eventId: randomUUID(), trackingNumber, status: 'delivered', occurredAt: iso(daysAgo(1)) });
    const scan = await fetch(`${carriers.url}/api/carriers/${carrier}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tower-signature': signCarrierBody(CARRIER_SECRET, raw) },
      body: raw,
    });
    expect(scan.status).toBe(200);
    const delivered = expectStatus(await server.api.get(`/api/orders/${results[1].orderId}`), 200).body as any;
    expect(delivered.status).toBe('delivered');
  });

  it('imports a return as far as it got; what is left of it goes on through the returns API', async () => {
    const placedAt = daysAgo(12);
    const returnOf = (extra: Record<string, unknown>) =>
      shippedItem(placedAt, 50, {
        return: {
          requestedAt: iso(hours(placedAt, 24 * 7)),
          authorizedAt: iso(hours(placedAt, 24 * 7 + 2)),
          locationId: warehouse.id,
          lines: [{ sku: tee.sku, quantity: 2, reason: 'size_or_fit', disposition: 'restock' }],
          ...extra,
        },
      });
    const { results } = await importOrders([returnOf({}), returnOf({ receivedAt: iso(hours(placedAt, 24 * 9)) }), returnOf({ resolvedAt: iso(hours(placedAt, 24 * 9)), resolution: 'refund' })]);
    const [authorized, received, unreceived] = results;
    expect(authorized).toMatchObject({ status: 201, orderStatus: 'return_requested', return: { status: 'authorized', lines: [{ sku: tee.sku, quantity: 2 }] } });
    expect(received).toMatchObject({ status: 201, orderStatus: 'returned', return: { status: 'inspected' } });
    expect(unreceived).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.2.return.resolvedAt' }] } });
    expect((await outboxAt(server, authorized.orderId)).map((e) => e.type).slice(-2)).toEqual(['return.requested', 'return.authorized']);

    // The goods arrive and the RMA is settled as if it had been opened here.
    const line = authorized.return.lines[0];
    const receipt = await server.api.post(`/api/returns/${authorized.return.id}/receive`, { locationId: warehouse.id, lines: [{ returnLineId: line.id, quantity: 2, disposition: { restock: 2 } }] }, { 'idempotency-key': randomUUID() });
    expect(receipt.status).toBe(200);
    const resolved = await server.api.post(`/api/returns/${received.return.id}/resolve`, { kind: 'refund' }, { 'idempotency-key': randomUUID() });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', refundedCents: expect.any(Number) });
    expect((resolved.body as { refundedCents: number }).refundedCents).toBeGreaterThan(0);
  });

  it('a delivered import takes a live return like any order', async () => {
    const item = shippedItem(daysAgo(10), 48);
    const { results } = await importOrders([item]);
    const requested = await server.api.post('/api/returns', { order: results[0].orderId, lines: [{ sku: mug.sku, quantity: 1, reason: 'damaged' }] }, { 'idempotency-key': randomUUID() });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ status: 'requested', lines: [{ sku: mug.sku, quantity: 1 }] });
  });

  it('sending an import again imports nothing twice; the same key with another history is a conflict', async () => {
    const items = [shippedItem(daysAgo(9)), shippedItem(daysAgo(8))];
    const first = await importOrders(items);
    const again = await importOrders(items);
    expect(again.summary).toEqual({ orders: 2, created: 0, repeated: 2, failed: 0 });
    expect(again.results.map((r) => r.orderId)).toEqual(first.results.map((r) => r.orderId));
    expect(again.results[0].shipments[0].packages[0].trackingNumber).toBe(first.results[0].shipments[0].packages[0].trackingNumber);
    const changed = await importOrders([{ ...items[0]!, cancelledAt: items[0]!.placedAt, shipments: undefined }]);
    expect(changed.results[0]).toMatchObject({ status: 422, problem: { type: 'idempotency_conflict' } });
    const { rows } = await server.pool.query('select count(*)::int as n from orders where id = any($1)', [first.results.map((r) => r.orderId)]);
    expect(rows[0].n).toBe(2);
  });

  it('refuses a history that does not hold together, naming the field, and imports the rest', async () => {
    const placedAt = daysAgo(5);
    const fine = shippedItem(placedAt);
    const missingUnits = shippedItem(placedAt, 50, { order: orderBody([{ sku: tee.sku, quantity: 3 }, { sku: mug.sku, quantity: 1 }]) });
    const backwards = shippedItem(placedAt);
    backwards.shipments[0]!.packedAt = iso(hours(placedAt, 0.5));
    const future = shippedItem(placedAt, 24 * 30);
    const neither = { idempotencyKey: randomUUID(), placedAt: iso(placedAt), order: orderBody([{ sku: tee.sku, quantity: 1 }]) };
    const unknownSku = shippedItem(placedAt, 50, { order: orderBody([{ sku: 'NO-SUCH-SKU', quantity: 2 }, { sku: mug.sku, quantity: 1 }]) });
    const { summary, results } = await importOrders([fine, missingUnits, backwards, future, neither, unknownSku]);
    expect(summary).toEqual({ orders: 6, created: 1, repeated: 0, failed: 5 });
    expect(results[1]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.1.order.lines.0.quantity' }] } });
    expect(results[2]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.2.shipments.0.packedAt', message: 'is before pickingStartedAt' }] } });
    expect(results[3]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.3.shipments.0.deliveredAt', message: 'is in the future' }] } });
    expect(results[4]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.4.shipments' }] } });
    expect(results[5]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.5.order.lines.0.sku' }] } });
    const refusedKeys = [missingUnits, backwards, future, neither, unknownSku].map((i) => i.idempotencyKey);
    const { rows } = await server.pool.query("select count(*)::int as n from idempotency_keys where scope = 'orders' and key = any($1)", [refusedKeys]);
    expect(rows[0].n).toBe(0);
  });

  it('two orders of one import under one external reference: the first is imported, the second is a conflict', async () => {
    const first = shippedItem(daysAgo(6));
    const ref = `EXT-${randomUUID().slice(0, 8)}`;
    first.order = { ...first.order, externalRef: ref } as typeof first.order;
    const second = shippedItem(daysAgo(6));
    second.order = { ...second.order, externalRef: ref } as typeof second.order;
    const { results } = await importOrders([first, second]);
    expect(results.map((r) => r.status)).toEqual([201, 422]);
    expect(results[1]).toMatchObject({ problem: { type: 'idempotency_conflict' } });
  });

  it('is for the history backfill only: an admin without history:write is refused', async () => {
    const response = await server.api.post('/api/orders/history', { orders: [shippedItem(daysAgo(4))] });
    expect(response.status).toBe(403);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '#test/support/api-client.ts';
import {
  addStock,
  createProduct,
  createPromotion,
  createStore,
  orderBody,
  orderFootprint,
  placedOrder,
  placeOrder,
  setSafetyStock,
  stockedProduct,
  unique,
  uniqueEmail,
} from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectProblem(response: ApiResponse, status: number, type: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type, status });
}

/** What an order attempt that was refused must have left behind: nothing but the stock receipt. */
function untouched(onHand: number) {
  return { orders: 0, customers: 0, orderLines: 0, reserved: 0, onHand, ledgerReasons: ['receipt'], orderEvents: 0 };
}

async function storedIdempotencyKeys(key: string): Promise<number> {
  const { rowCount } = await server.pool.query('select 1 from idempotency_keys where key = $1', [key]);
  return rowCount ?? 0;
}

describe('a failure in the middle of placing an order', () => {
  // A real PostgreSQL error raised from inside the order's own transaction, for this test's customers only.
  const marker = 'explode-';
  beforeAll(async () => {
    await server.pool.query(`
      create or replace function tower_test_explode_payment() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from orders o join customers c on c.id = o.customer_id
                   where o.id = new.order_id and c.email like '${marker}%') then
          raise exception 'injected failure: payments refuses the order of a test customer';
        end if;
        return new;
      end $$`);
    await server.pool.query('drop trigger if exists tower_test_explode_payment on payments');
    await server.pool.query('create trigger tower_test_explode_payment before insert on payments for each row execute function tower_test_explode_payment()');
  });
  afterAll(async () => {
    await server.pool.query('drop trigger if exists tower_test_explode_payment on payments');
    await server.pool.query('drop function if exists tower_test_explode_payment()');
  });

  it('is a 500 problem that leaves no order, no reservation, no event and no idempotency key; a retry with the same key succeeds', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const email = uniqueEmail('explode');
    const body = orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: 'Ada Lovelace' } });
    const key = randomUUID();

    const failed = await placeOrder(server.api, body, key);

    expectProblem(failed, 500, 'internal');
    expect(JSON.stringify(failed.body)).not.toContain('injected failure');
    expect(server.logs.some((line) => line.msg === 'unhandled error')).toBe(true);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(10));
    expect(await storedIdempotencyKeys(key)).toBe(0);

    await server.pool.query('drop trigger tower_test_explode_payment on payments');
    const retried = await placeOrder(server.api, body, key);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toMatchObject({ orders: 1, orderLines: 1, reserved: 2 });
  });
});

describe('payment failures', () => {
  it('a declined card is a 402 payment_declined and nothing is reserved or written', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const email = uniqueEmail('declined');
    const key = randomUUID();
    const response = await placeOrder(
      server.api,
      orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: 'Ada' }, payment: { method: 'card', token: 'tok_declined' } }),
      key,
    );
    expectProblem(response, 402, 'payment_declined');
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'payment.token' })]);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(10));
    expect(await storedIdempotencyKeys(key)).toBe(0);
  });

  it('a provider that does not answer is a 503 payment_unavailable within the configured timeout, and nothing is written', async () => {
    const impatient = await startTestServer({ paymentTimeoutMs: 300 });
    try {
      const { product } = await stockedProduct(impatient.api, 10);
      const email = uniqueEmail('timeout');
      const key = randomUUID();
      const started = performance.now();
      const response = await placeOrder(
        impatient.api,
        orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: 'Ada' }, payment: { method: 'card', token: 'tok_timeout' } }),
        key,
      );
      const elapsed = performance.now() - started;

      expectProblem(response, 503, 'payment_unavailable');
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_000);
      expect(await orderFootprint(impatient.pool, { email, sku: product.sku })).toEqual(untouched(10));
      expect(await storedIdempotencyKeys(key)).toBe(0);
    } finally {
      await impatient.close();
    }
  });
});

describe('channel + externalRef identify an order across retries', () => {
  async function ordersWithRef(externalRef: string): Promise<number> {
    const { rows } = await server.pool.query('select count(*)::int as n from orders where external_ref = $1', [externalRef]);
    return rows[0].n;
  }

  it('the same externalRef and body under a new Idempotency-Key is a 200 with the same order', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const externalRef = unique('MKT');
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef });
    const first = await placeOrder(server.api, body);
    expect(first.status).toBe(201);

    const again = await placeOrder(server.api, body);

    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await ordersWithRef(externalRef)).toBe(1);
    expect((await orderFootprint(server.pool, { email: body.customer.email, sku: product.sku })).reserved).toBe(1);
  });

  it('the same externalRef with a different body is a 422 idempotency_conflict', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const externalRef = unique('MKT');
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef });
    expect((await placeOrder(server.api, body)).status).toBe(201);

    const different = await placeOrder(server.api, { ...body, lines: [{ sku: product.sku, quantity: 3 }] });

    expectProblem(different, 422, 'idempotency_conflict');
    expect(await ordersWithRef(externalRef)).toBe(1);
    expect((await orderFootprint(server.pool, { email: body.customer.email, sku: product.sku })).reserved).toBe(1);
  });

  it('the same Idempotency-Key with a different body is a 422 idempotency_conflict', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const key = randomUUID();
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef: unique('MKT') });
    expect((await placeOrder(server.api, body, key)).status).toBe(201);

    const different = await placeOrder(server.api, { ...body, externalRef: unique('MKT'), lines: [{ sku: product.sku, quantity: 2 }] }, key);

    expectProblem(different, 422, 'idempotency_conflict');
    expect((await orderFootprint(server.pool, { email: body.customer.email, sku: product.sku })).orders).toBe(1);
  });

  it('sent concurrently under different Idempotency-Keys, the same externalRef places one order', async () => {
    const { product } = await stockedProduct(server.api, 50);
    const externalRef = unique('MKT');
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef });

    const results = await Promise.all(Array.from({ length: 10 }, () => placeOrder(server.api, body)));

    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await ordersWithRef(externalRef)).toBe(1);
    expect((await orderFootprint(server.pool, { email: body.customer.email, sku: product.sku })).reserved).toBe(1);
  });

  it('the same externalRef on another channel is another order', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const externalRef = unique('REF');
    const onMarketplace = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef }));
    const onWeb = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'web', externalRef }));
    expect([onMarketplace.status, onWeb.status]).toEqual([201, 201]);
    expect(onWeb.body.id).not.toBe(onMarketplace.body.id);
  });
});

describe('backorders', () => {
  it('on the phone channel a short order is a 201 backordered, and a later receipt allocates it', async () => {
    const { product, location } = await stockedProduct(server.api, 2);
    const placed = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 5 }], { channel: 'phone' }));

    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.status).toBe('backordered');
    expect(placed.body.lines).toEqual([
      expect.objectContaining({ sku: product.sku, quantity: 5, backorderedQuantity: 3, allocations: [{ locationId: location.id, quantity: 2 }] }),
    ]);
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([
      { sku: product.sku, locationId: location.id, onHand: 2, reserved: 2, safetyStock: 0, available: 0, bin: null },
    ]);

    const partial = await server.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: 1, reason: 'receipt' });
    expect(partial.status).toBe(201);
    expect(partial.body.backordersAllocated).toEqual([]);
    const waiting = await server.api.get(`/api/orders/${placed.body.id}`);
    expect(waiting.body.status).toBe('backordered');
    expect(waiting.body.lines[0].backorderedQuantity).toBe(2);

    const receipt = await server.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: 2, reason: 'receipt' });
    expect(receipt.status).toBe(201);
    expect(receipt.body.backordersAllocated).toEqual([placed.body.id]);
    const allocated = await server.api.get(`/api/orders/${placed.body.id}`);
    expect(allocated.body.status).toBe('allocated');
    expect(allocated.body.lines[0].backorderedQuantity).toBe(0);
    expect(allocated.body.lines[0].allocations.reduce((sum: number, a: { quantity: number }) => sum + a.quantity, 0)).toBe(5);
    expect(allocated.body.events.map((e: { type: string }) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.backordered', 'order.allocated']);
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([
      { sku: product.sku, locationId: location.id, onHand: 5, reserved: 5, safetyStock: 0, available: 0, bin: null },
    ]);
  });

  it('a cancelled backorder is not allocated by a later receipt', async () => {
    const { product, location } = await stockedProduct(server.api, 1);
    const placed = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }], { channel: 'phone' }));
    expect(placed.status).toBe('backordered');
    expect((await server.api.post(`/api/orders/${placed.id}/cancel`, {})).status).toBe(200);

    const receipt = await server.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: 5, reason: 'receipt' });

    expect(receipt.body.backordersAllocated).toEqual([]);
    expect((await server.api.get(`/api/orders/${placed.id}`)).body).toMatchObject({ status: 'cancelled', lines: [{ backorderedQuantity: 0, allocations: [] }] });
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body[0]).toMatchObject({ onHand: 6, reserved: 0 });
  });

  it('on the web channel the same order is a 409 out_of_stock naming the shortage, and nothing is reserved', async () => {
    const { product } = await stockedProduct(server.api, 2);
    const email = uniqueEmail('short');
    const response = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 5 }], { channel: 'web', customer: { email, name: 'Ada' } }));

    expectProblem(response, 409, 'out_of_stock');
    expect(response.body.shortages).toEqual([{ sku: product.sku, requested: 5, available: 2 }]);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'lines.0.quantity' })]);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(2));
  });

  it('a product that may not wait is refused even on the phone channel', async () => {
    const { product } = await stockedProduct(server.api, 2, { backorderable: false });
    const email = uniqueEmail('no-wait');
    const response = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }], { channel: 'phone', customer: { email, name: 'Ada' } }));
    expectProblem(response, 409, 'out_of_stock');
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(2));
  });
});

describe('safety stock', () => {
  it('units held back as safety stock cannot be ordered', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    expect(await setSafetyStock(server.api, product.sku, location.id, 8)).toMatchObject({ onHand: 10, reserved: 0, safetyStock: 8, available: 2, bin: null });

    const intoSafetyStock = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }]));
    expectProblem(intoSafetyStock, 409, 'out_of_stock');
    expect(intoSafetyStock.body.shortages).toEqual([{ sku: product.sku, requested: 3, available: 2 }]);

    const upToIt = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    expect(upToIt.status).toBe(201);
    expectProblem(await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }])), 409, 'out_of_stock');
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([
      { sku: product.sku, locationId: location.id, onHand: 10, reserved: 2, safetyStock: 8, available: 0, bin: null },
    ]);
  });

  it('on a backorder channel the safety stock is not reserved either: the rest waits', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    await setSafetyStock(server.api, product.sku, location.id, 8);
    const placed = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }], { channel: 'phone' }));
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'backordered', lines: [{ backorderedQuantity: 1 }] });
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body[0]).toMatchObject({ reserved: 2, safetyStock: 8 });
  });
});

describe('pricing happens on the server', () => {
  it('a client-sent totals field is refused as unknown and nothing is charged', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const email = uniqueEmail('totals');
    const response = await placeOrder(server.api, {
      ...orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email, name: 'Ada' } }),
      totals: { subtotal: 1, discount: 0, tax: 0, shipping: 0, total: 1 },
    });
    expectProblem(response, 422, 'validation');
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'totals' })]);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(5));
  });

  it('a line_percent promotion on the SKU takes its percentage off that line before tax', async () => {
    const { product } = await stockedProduct(server.api, 5);
    await createPromotion(server.api, { kind: 'line_percent', percentBp: 1000, sku: product.sku });
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    // 2 × 19.99 = 39.98; 10% off = 4.00; TX 6.25% of 35.98 = 2.25; standard shipping 5.99.
    expect(order).toMatchObject({
      totals: { subtotal: 3998, discount: 400, tax: 225, shipping: 599, total: 4422 },
      lines: [{ sku: product.sku, unitPriceCents: 1999, discountCents: 400, taxCents: 225 }],
    });
  });

  it('an order_amount promotion applies with its code only', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const code = unique('FIVE').toUpperCase();
    await createPromotion(server.api, { kind: 'order_amount', amountCents: 500, currency: 'USD', code });

    const withCode = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { promotionCode: code }));
    // 39.98 - 5.00 = 34.98; TX 6.25% = 2.19; shipping 5.99.
    expect(withCode).toMatchObject({ totals: { subtotal: 3998, discount: 500, tax: 219, shipping: 599, total: 4316 } });

    const withoutCode = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    expect(withoutCode).toMatchObject({ totals: { subtotal: 3998, discount: 0, tax: 250, shipping: 599, total: 4847 } });
  });

  it('an expired promotion code is refused like an unknown one', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const code = unique('OLD').toUpperCase();
    const dayMs = 86_400_000;
    await createPromotion(server.api, {
      kind: 'order_percent',
      percentBp: 5000,
      code,
      startsAt: new Date(Date.now() - 10 * dayMs).toISOString(),
      endsAt: new Date(Date.now() - dayMs).toISOString(),
    });
    const email = uniqueEmail('expired-code');
    const response = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { promotionCode: code, customer: { email, name: 'Ada' } }));
    expectProblem(response, 422, 'validation');
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'promotionCode' })]);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(5));
  });

  it('a promotion code limited to another channel is refused rather than silently ignored', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const code = unique('PHONE').toUpperCase();
    await createPromotion(server.api, { kind: 'order_percent', percentBp: 2000, code, channel: 'phone' });
    const email = uniqueEmail('wrong-channel');

    const onWeb = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'web', promotionCode: code, customer: { email, name: 'Ada' } }));

    // Placing it at full price would charge the customer more than the code they typed promised.
    expectProblem(onWeb, 422, 'validation');
    expect(onWeb.body.errors).toEqual([expect.objectContaining({ path: 'promotionCode' })]);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual(untouched(5));
  });

  it('a pickup order pays the sales tax of the store, not of the customer address, and no shipping', async () => {
    const store = await createStore(server.api, { region: 'CA', lat: 34.05, lon: -118.24 });
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, store.id, 5);

    const order = await placedOrder(
      server.api,
      orderBody([{ sku: product.sku, quantity: 2 }], { delivery: { method: 'pickup', pickupLocationId: store.id } }),
    );
    // CA 7.25% of 39.98 = 2.90 (the TX address would have been 2.50).
    expect(order).toMatchObject({
      totals: { subtotal: 3998, discount: 0, tax: 290, shipping: 0, total: 4288 },
      delivery: { method: 'pickup', pickupLocationId: store.id },
      lines: [{ allocations: [{ locationId: store.id, quantity: 2 }] }],
    });
  });

  it('express shipping costs its base fee plus each started kilogram past the first, with no free threshold', async () => {
    const { product } = await stockedProduct(server.api, 4, { priceCents: 5000, weightGrams: 1200 });
    const express = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { delivery: { method: 'ship', service: 'express' } }));
    // 2.4 kg: 14.99 + 2 × 2.50 = 19.99; TX 6.25% of 100.00 = 6.25.
    expect(express).toMatchObject({ totals: { subtotal: 10000, discount: 0, tax: 625, shipping: 1999, total: 12624 } });

    const standard = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { delivery: { method: 'ship', service: 'standard' } }));
    // Standard shipping is free from 75.00 of goods.
    expect(standard).toMatchObject({ totals: { subtotal: 10000, discount: 0, tax: 625, shipping: 0, total: 10625 } });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import type { ApiResponse } from '#test/support/api-client.ts';
import { orderBody, orderFootprint, stockedProduct, uniqueEmail } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

/** POST /api/orders/batch: many orders in one request, each placed (or refused) on its own. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: requestScopedClock(systemClock) });
});
afterAll(() => server.close());

/** A batch is answered 200 whatever becomes of its orders. */
function ok(response: ApiResponse): ApiResponse {
  expect(response.status).toBe(200);
  return response;
}

const item = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...body, idempotencyKey: randomUUID(), ...extra });

describe('placing orders in a batch', () => {
  it('places every order with its own key and answers each with the status POST /api/orders would give', async () => {
    const { product, location } = await stockedProduct(server.api, 50);
    const orders = Array.from({ length: 20 }, () => item(orderBody([{ sku: product.sku, quantity: 2 }])));
    const response = ok(await server.api.post('/api/orders/batch', { orders }));
    expect(response.body.summary).toEqual({ orders: 20, created: 20, repeated: 0, failed: 0 });
    expect(response.body.results.map((r: { index: number }) => r.index)).toEqual([...Array(20).keys()]);
    for (const [i, r] of response.body.results.entries()) {
      expect(r).toMatchObject({ status: 201, idempotencyKey: orders[i]!.idempotencyKey, order: { status: 'allocated', lines: [{ sku: product.sku, quantity: 2 }] } });
    }
    const inventory = await server.api.get(`/api/inventory?sku=${product.sku}&locationId=${location.id}`);
    expect(inventory.body[0]).toMatchObject({ onHand: 50, reserved: 40 });
    const fetched = await server.api.get(`/api/orders/${response.body.results[0].order.id}`);
    expect(fetched.body.events.map((e: { type: string }) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated']);
  });

  it('one bad order is refused with a problem naming orders.<i>.<field>, writes nothing, and the others are placed', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const short = await stockedProduct(server.api, 1, { backorderable: false });
    const declinedEmail = uniqueEmail('declined');
    const outOfStockEmail = uniqueEmail('short');
    const orders = [
      item(orderBody([{ sku: product.sku, quantity: 1 }])),
      item(orderBody([{ sku: product.sku, quantity: 0 }])),
      item(orderBody([{ sku: short.product.sku, quantity: 5 }], { customer: { email: outOfStockEmail, name: 'Short' } })),
      item(orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email: declinedEmail, name: 'Declined' }, payment: { method: 'card', token: 'tok_declined' } })),
      { ...orderBody([{ sku: product.sku, quantity: 1 }]) },
      item(orderBody([{ sku: product.sku, quantity: 1 }])),
    ];
    const { body } = ok(await server.api.post('/api/orders/batch', { orders }));
    expect(body.summary).toEqual({ orders: 6, created: 2, repeated: 0, failed: 4 });
    const [first, zero, outOfStock, declined, keyless, last] = body.results;
    expect(first.status).toBe(201);
    expect(last.status).toBe(201);
    expect(zero).toMatchObject({ status: 422, problem: { type: 'validation', errors: [{ path: 'orders.1.lines.0.quantity' }] } });
    expect(outOfStock).toMatchObject({ status: 409, problem: { type: 'out_of_stock', errors: [{ path: 'orders.2.lines.0.quantity' }] } });
    expect(declined).toMatchObject({ status: 402, problem: { type: 'payment_declined' } });
    expect(keyless).toMatchObject({ status: 422, idempotencyKey: null, problem: { type: 'validation', errors: [{ path: 'orders.4.idempotencyKey', message: 'is required' }] } });

    const refused = await orderFootprint(server.pool, { email: outOfStockEmail, sku: short.product.sku });
    expect(refused).toMatchObject({ orders: 0, customers: 0, orderLines: 0, reserved: 0, onHand: 1 });
    const { rows } = await server.pool.query('select count(*)::int as n from orders o join customers c on c.id = o.customer_id where c.email = $1', [declinedEmail]);
    expect(rows[0].n).toBe(0);
  });

  it('sending the same batch again places nothing twice: every order answers 200 with its first id', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    const orders = Array.from({ length: 3 }, () => item(orderBody([{ sku: product.sku, quantity: 1 }])));
    const first = ok(await server.api.post('/api/orders/batch', { orders })).body;
    const again = ok(await server.api.post('/api/orders/batch', { orders })).body;
    expect(again.summary).toEqual({ orders: 3, created: 0, repeated: 3, failed: 0 });
    expect(again.results.map((r: { order: { id: string } }) => r.order.id)).toEqual(first.results.map((r: { order: { id: string } }) => r.order.id));
    const inventory = await server.api.get(`/api/inventory?sku=${product.sku}&locationId=${location.id}`);
    expect(inventory.body[0].reserved).toBe(3);

    // The same key with another body is the single endpoint's idempotency_conflict, for that order only.
    const changed = [{ ...orders[0]!, lines: [{ sku: product.sku, quantity: 2 }] }, item(orderBody([{ sku: product.sku, quantity: 1 }]))];
    const conflict = ok(await server.api.post('/api/orders/batch', { orders: changed })).body;
    expect(conflict.results.map((r: { status: number }) => r.status)).toEqual([422, 201]);
    expect(conflict.results[0].problem.type).toBe('idempotency_conflict');
  });

  it('asOf dates each order to its own moment, for a token allowed history:write; others get 403 for that order', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const simulator = await server.tokenClient(['manager', 'simulator']);
    const early = new Date(Date.now() - 3 * 86_400_000);
    const later = new Date(Date.now() - 2 * 86_400_000);
    const orders = [
      item(orderBody([{ sku: product.sku, quantity: 1 }]), { asOf: early.toISOString() }),
      item(orderBody([{ sku: product.sku, quantity: 1 }]), { asOf: later.toISOString() }),
    ];
    const { body } = ok(await simulator.post('/api/orders/batch', { orders }));
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    expect(body.results[0].order.placedAt).toBe(early.toISOString());
    expect(body.results[1].order.placedAt).toBe(later.toISOString());
    const { rows } = await server.pool.query<{ occurred_at: Date }>(
      `select occurred_at from outbox where aggregate_id = $1 and type = 'order.placed'`,
      [body.results[1].order.id],
    );
    expect(rows[0]!.occurred_at.toISOString()).toBe(later.toISOString());
    const audit = await server.pool.query<{ detail: { asOf: string; batchIndex: number } }>(`select detail from audit_log where target_id = $1`, [body.results[1].order.id]);
    expect(audit.rows[0]!.detail).toMatchObject({ asOf: later.toISOString(), batchIndex: 1 });

    const staff = await server.tokenClient(['staff']);
    const refused = ok(await staff.post('/api/orders/batch', { orders: [item(orderBody([{ sku: product.sku, quantity: 1 }]), { asOf: early.toISOString() })] })).body;
    expect(refused.results[0]).toMatchObject({ status: 403, problem: { type: 'forbidden', errors: [{ path: 'orders.0.asOf' }] } });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ahead = ok(await simulator.post('/api/orders/batch', { orders: [item(orderBody([{ sku: product.sku, quantity: 1 }]), { asOf: future })] })).body;
    expect(ahead.results[0]).toMatchObject({ status: 422, problem: { errors: [{ path: 'orders.0.asOf' }] } });
  });

  it('needs orders:create and a channel the token may use; an empty or oversized batch is a 422', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const planner = await server.tokenClient(['planner']);
    expect((await planner.post('/api/orders/batch', { orders: [item(orderBody([{ sku: product.sku, quantity: 1 }]))] })).status).toBe(403);
    expect((await server.anonymous.post('/api/orders/batch', { orders: [] })).status).toBe(401);

    const b2bOnly = await server.tokenClient(['service'], ['b2b']);
    const { body } = ok(await b2bOnly.post('/api/orders/batch', { orders: [item(orderBody([{ sku: product.sku, quantity: 1 }]))] }));
    expect(body.results[0]).toMatchObject({ status: 403, problem: { type: 'forbidden', errors: [{ path: 'orders.0.channel' }] } });

    const empty = await server.api.post('/api/orders/batch', { orders: [] });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].path).toBe('orders');
    const tooMany = await server.api.post('/api/orders/batch', { orders: Array.from({ length: 501 }, () => ({})) });
    expect(tooMany.status).toBe(422);
  });
});

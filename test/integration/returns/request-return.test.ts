import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { expectStatus, orderBody, placedOrder, stockedProduct, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, orderStatusOf, outboxOf, requestReturnOf } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

async function footprint(orderId: string) {
  const { rows } = await server.pool.query(
    `select o.status, (select count(*)::int from returns where order_id = o.id) as returns,
       (select count(*)::int from outbox where aggregate_id = o.id and type like 'return.%') as events
     from orders o where o.id = $1`,
    [orderId],
  );
  return rows[0] as { status: string; returns: number; events: number };
}

describe('the return window', () => {
  it('is 30 days from delivery by default: a day late is a 422 on the line, and nothing is written', async () => {
    const late = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 1, category: unique('cat') }], { deliveredAt: daysAgo(31) });
    const before = await footprint(late.order.id);
    const response = await server.api.post('/api/returns', { order: late.order.number, lines: [{ sku: late.products[0]!.sku, quantity: 1, reason: 'no_longer_needed' }] });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'validation', errors: [{ path: 'lines.0.sku', message: expect.stringMatching(/30-day return window/) }] });
    expect(await footprint(late.order.id)).toEqual(before);

    const inTime = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 1 }], { deliveredAt: daysAgo(29) });
    await requestReturnOf(server, inTime.order.number, [{ sku: inTime.products[0]!.sku, quantity: 1 }]);
  });

  it("follows the category's own window, counted per line from that line's delivery", async () => {
    const shortLived = unique('perishable');
    expectStatus(await server.api.request('PUT', `/api/return-policies/${shortLived}`, { windowDays: 7 }), 200);
    const policies = expectStatus(await server.api.get('/api/return-policies'), 200).body as { category: string; windowDays: number }[];
    expect(policies).toContainEqual({ category: shortLived, windowDays: 7 });

    const order = await deliveredOrder(
      server,
      provider,
      [
        { priceCents: 500, quantity: 1, category: shortLived },
        { priceCents: 500, quantity: 1, category: unique('durable') },
      ],
      { deliveredAt: daysAgo(8) },
    );
    const [food, tool] = order.products;
    const response = await server.api.post('/api/returns', {
      order: order.order.id,
      lines: [
        { sku: tool!.sku, quantity: 1, reason: 'defective' },
        { sku: food!.sku, quantity: 1, reason: 'damaged' },
      ],
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ path: 'lines.1.sku', message: expect.stringMatching(new RegExp(`7-day return window for ${shortLived}`)) }]);
    // The other category is still inside its 30 days.
    await requestReturnOf(server, order.order.number, [{ sku: tool!.sku, quantity: 1 }]);
  });
});

describe('what may be returned', () => {
  it('only delivered units not already on an RMA; each refusal names its line', async () => {
    const order = await deliveredOrder(server, provider, [{ priceCents: 800, quantity: 2 }]);
    const sku = order.products[0]!.sku;
    const tooMany = await server.api.post('/api/returns', { order: order.order.number, lines: [{ sku, quantity: 3, reason: 'other' }] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toEqual([{ path: 'lines.0.quantity', message: expect.stringMatching(/only 2 of the 2 delivered units/) }]);

    const first = await requestReturnOf(server, order.order.number, [{ sku, quantity: 1 }]);
    expect(first.status).toBe('requested');
    const second = await server.api.post('/api/returns', { order: order.order.number, lines: [{ sku, quantity: 2, reason: 'other' }] });
    expect(second.body.errors).toEqual([{ path: 'lines.0.quantity', message: expect.stringMatching(/only 1 of the 2 delivered units/) }]);
    const notOnOrder = await server.api.post('/api/returns', { order: order.order.number, lines: [{ sku: 'NOT-ON-IT', quantity: 1, reason: 'other' }] });
    expect(notOnOrder.body.errors).toEqual([{ path: 'lines.0.sku', message: expect.stringMatching(/is not on order/) }]);

    // Cancelling the first RMA frees its unit again, and the order is back to delivered.
    expectStatus(await server.api.post(`/api/returns/${first.id}/cancel`, { reason: 'kept it' }), 200);
    expect(await orderStatusOf(server, order.order.id)).toBe('delivered');
    await requestReturnOf(server, order.order.number, [{ sku, quantity: 2 }]);
    expect(await orderStatusOf(server, order.order.id)).toBe('return_requested');
  });

  it('two RMAs for the same units at once: one is opened, the other is a 422 on the quantity', async () => {
    const order = await deliveredOrder(server, provider, [{ priceCents: 800, quantity: 2 }]);
    const body = { order: order.order.number, lines: [{ sku: order.products[0]!.sku, quantity: 2, reason: 'other' }] };
    const responses = await Promise.all([1, 2, 3].map(() => server.api.post('/api/returns', body)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect((await footprint(order.order.id)).returns).toBe(1);
  });

  it('an order not delivered yet is a 409 invalid_transition; units still on their way are a 422', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const placed = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const early = await server.api.post('/api/returns', { order: placed.number, lines: [{ sku: product.sku, quantity: 1, reason: 'other' }] });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: 'invalid_transition', to: 'return_requested' });

    const order = await deliveredOrder(server, provider, [{ priceCents: 800, quantity: 1 }]);
    await server.pool.query(`update shipments set status = 'shipped', delivered_at = null where id = $1`, [order.shipmentId]);
    const onTheWay = await server.api.post('/api/returns', { order: order.order.number, lines: [{ sku: order.products[0]!.sku, quantity: 1, reason: 'other' }] });
    expect(onTheWay.status).toBe(422);
    expect(onTheWay.body.errors).toEqual([{ path: 'lines.0.quantity', message: expect.stringMatching(/no unit .* has been delivered/) }]);
  });

  it('bad input is a 422 naming the field', async () => {
    const response = await server.api.post('/api/returns', { order: 'T1', lines: [{ sku: 'A', quantity: 0, reason: 'bored' }] });
    expect(response.status).toBe(422);
    const paths = (response.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['lines.0.quantity', 'lines.0.reason']);
  });
});

describe('the customer, from the tracking page', () => {
  it('with a wrong (or no) email gets exactly what an unknown order number gets: 404 not_found, nothing written', async () => {
    const order = await deliveredOrder(server, provider, [{ priceCents: 800, quantity: 1 }]);
    const body = { lines: [{ sku: order.products[0]!.sku, quantity: 1, reason: 'damaged' }] };
    const before = await footprint(order.order.id);
    const wrong = await server.anonymous.post(`/api/track/${order.order.number}/returns?email=someone-else@example.com`, body);
    const none = await server.anonymous.post(`/api/track/${order.order.number}/returns`, body);
    const unknownNumber = 'T999999999';
    const unknown = await server.anonymous.post(`/api/track/${unknownNumber}/returns?email=${encodeURIComponent(order.email)}`, body);
    for (const response of [wrong, none, unknown]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const normalized = (response: typeof wrong, number: string) => JSON.stringify(response.body).replaceAll(number, '<number>');
    expect(normalized(wrong, order.order.number)).toBe(normalized(unknown, unknownNumber));
    expect(normalized(none, order.order.number)).toBe(normalized(unknown, unknownNumber));
    expect(await footprint(order.order.id)).toEqual(before);

    const right = await server.anonymous.post(`/api/track/${order.order.number}/returns?email=${encodeURIComponent(order.email)}`, body);
    expect(right.status, JSON.stringify(right.body)).toBe(201);
    expect(right.body).toMatchObject({ requestedBy: 'customer', status: 'requested' });
    expect((await outboxOf(server, order.order.id, 'return.requested'))[0]!.payload).toMatchObject({ requestedBy: 'customer' });

    const mine = await server.anonymous.get(`/api/track/${order.order.number}/returns?email=${encodeURIComponent(order.email)}`);
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: right.body.id, status: 'requested' })]);
    const notMine = await server.anonymous.get(`/api/track/${order.order.number}/returns?email=someone-else@example.com`);
    expect(notMine.status).toBe(404);
    expect(JSON.stringify(notMine.body).replaceAll(order.order.number, '<number>')).toBe(normalized(unknown, unknownNumber));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { addStock, createProduct, expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, outboxOf, paymentOf, receiveAll, requestReturnOf, type ReturnBody } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

async function returnedTee() {
  // One 20.00 tee to Oregon (no sales tax) + 5.99 shipping.
  const delivered = await deliveredOrder(server, provider, [{ priceCents: 2000, quantity: 1 }], { region: 'OR' });
  const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1, reason: 'size_or_fit' }]);
  await receiveAll(server, rma, delivered.location.id);
  const bigger = await createProduct(server.api, { priceCents: 2500 });
  await addStock(server.api, bigger.sku, delivered.location.id, 5);
  return { delivered, rma, bigger };
}

describe('an exchange', () => {
  it('places a linked new order through order capture, refunds the returned value, and records the difference', async () => {
    const { delivered, rma, bigger } = await returnedTee();

    const response = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'exchange', lines: [{ sku: bigger.sku, quantity: 1 }], payment: { method: 'card', token: 'tok_visa' } });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const resolved = response.body as ReturnBody;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'exchange', refundedCents: 2000, exchangeOrderId: expect.any(String) });
    const exchange = expectStatus(await server.api.get(`/api/orders/${resolved.exchangeOrderId}`), 200).body as Record<string, any>;
    // The new order is priced by order capture: 25.00 + 5.99 shipping, same customer and address.
    expect(exchange).toMatchObject({ customer: { email: delivered.email }, status: 'allocated', totals: { total: 3099 }, lines: [{ sku: bigger.sku, quantity: 1 }] });
    expect(exchange.shippingAddress).toMatchObject({ region: 'OR', postalCode: '73301' });
    expect(await paymentOf(server, delivered.paymentId)).toMatchObject({ refundedCents: 2000 });
    const [event] = await outboxOf(server, delivered.order.id, 'return.resolved');
    expect(event!.payload).toMatchObject({ kind: 'exchange', exchangeOrderId: resolved.exchangeOrderId, exchangeTotalCents: 3099, refundedCents: 2000, differenceCents: 1099 });
  });

  it('with a declined card places nothing and leaves the RMA to settle again, with another card', async () => {
    const { delivered, rma, bigger } = await returnedTee();
    const response = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'exchange', lines: [{ sku: bigger.sku, quantity: 1 }], payment: { method: 'card', token: 'tok_declined' } });
    expect(response.status).toBe(402);
    expect((await server.api.get(`/api/returns/${rma.id}`)).body).toMatchObject({ status: 'inspected', exchangeOrderId: null });
    expect(await paymentOf(server, delivered.paymentId)).toMatchObject({ refundedCents: 0 });
    const { rows } = await server.pool.query('select count(*)::int as n from order_lines where sku = $1', [bigger.sku]);
    expect(rows[0]).toEqual({ n: 0 });

    const retried = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'exchange', lines: [{ sku: bigger.sku, quantity: 1 }], payment: { method: 'card', token: 'tok_visa' } });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ resolution: 'exchange', exchangeOrderId: expect.any(String) });
  });

  it('two exchanges of one RMA at once: one is linked, the other is a 409 and any new order it placed is cancelled', async () => {
    const { rma, bigger } = await returnedTee();
    const body = { kind: 'exchange', lines: [{ sku: bigger.sku, quantity: 1 }], payment: { method: 'card', token: 'tok_visa' } };
    const responses = await Promise.all([1, 2].map(() => server.api.post(`/api/returns/${rma.id}/resolve`, body)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const linked = responses.find((r) => r.status === 200)!.body as ReturnBody;
    const { rows } = await server.pool.query(
      `select o.id, o.status from orders o join order_lines l on l.order_id = o.id where l.sku = $1 order by o.status`,
      [bigger.sku],
    );
    // The loser may have been refused before placing anything; whatever it placed is cancelled.
    expect(rows.find((r) => r.id === linked.exchangeOrderId)!.status).toBe('allocated');
    expect(rows.filter((r) => r.id !== linked.exchangeOrderId).map((r) => r.status)).toEqual(rows.length === 2 ? ['cancelled'] : []);
  });

  it('when the refund side does not fit the captured payment, the exchange is a 409 and its new order is cancelled', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 2000, quantity: 1 }], { region: 'OR', capturedCents: 1000 });
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);
    await receiveAll(server, rma, delivered.location.id);
    const other = await createProduct(server.api, { priceCents: 2500 });
    await addStock(server.api, other.sku, delivered.location.id, 5);
    const response = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'exchange', lines: [{ sku: other.sku, quantity: 1 }], payment: { method: 'card', token: 'tok_visa' } });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ type: 'conflict' });
    const { rows } = await server.pool.query(`select o.status from orders o join order_lines l on l.order_id = o.id where l.sku = $1`, [other.sku]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    expect((await server.api.get(`/api/returns/${rma.id}`)).body).toMatchObject({ status: 'inspected', exchangeOrderId: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStoreCredit } from '#server/store-credit/issue-store-credit.ts';
import { expectStatus, orderBody, placeOrder, placedOrder, stockedProduct, uniqueEmail } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A customer (made by a first order) holding `cents` of store credit in USD. */
async function customerWithCredit(cents: number) {
  const { product, location } = await stockedProduct(server.api, 50);
  const email = uniqueEmail('credit');
  const first = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email, name: 'Grace Hopper' } }));
  const { rows } = await server.pool.query('select customer_id from orders where id = $1', [first.id]);
  await server.db.transaction((tx) =>
    issueStoreCredit(tx, { customerId: rows[0].customer_id, amountCents: cents, currency: 'USD', orderId: first.id, returnId: null, occurredAt: new Date(), reason: 'adjustment' }),
  );
  return { product, location, email };
}

async function balance(email: string): Promise<number> {
  const body = expectStatus(await server.api.get(`/api/customers/${encodeURIComponent(email)}/store-credit`), 200).body as any;
  return body.balances.find((b: { currency: string }) => b.currency === 'USD')?.balanceCents ?? 0;
}

function body(sku: string, email: string, payment: Record<string, unknown>) {
  return orderBody([{ sku, quantity: 2 }], { customer: { email, name: 'Grace Hopper' }, payment });
}

describe('paying with store credit', () => {
  it('part credit, part card: the card is authorized for the rest and the balance goes down by the credit', async () => {
    const { product, email } = await customerWithCredit(3000);
    const placed = await placeOrder(server.api, body(product.sku, email, { method: 'card', token: 'tok_visa', storeCreditCents: 2000 }));
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = placed.body as any;
    expect(order.storeCreditCents).toBe(2000);
    expect(order.payment).toMatchObject({ method: 'card', authorizedCents: order.totals.total - 2000 });
    expect(await balance(email)).toBe(1000);
    const fetched = expectStatus(await server.api.get(`/api/orders/${order.id}`), 200).body as any;
    expect(fetched.storeCreditCents).toBe(2000);
    expect(fetched.payment).toMatchObject({ method: 'card', authorizedCents: order.totals.total - 2000 });
  });

  it('the whole order on credit needs no card, and cancelling it gives the credit back', async () => {
    const { product, email } = await customerWithCredit(20_000);
    const order = (await placedOrder(server.api, body(product.sku, email, { method: 'store_credit' }))) as any;
    expect(order.storeCreditCents).toBe(order.totals.total);
    expect(order.payment).toMatchObject({ method: 'store_credit', status: 'captured' });
    expect(await balance(email)).toBe(20_000 - order.totals.total);

    expectStatus(await server.api.post(`/api/orders/${order.id}/cancel`, { reason: 'changed mind' }), 200);
    expect(await balance(email)).toBe(20_000);
  });

  it('credit the customer does not have is a 422 naming the field, and nothing is written', async () => {
    const { product, email } = await customerWithCredit(500);
    const refused = await placeOrder(server.api, body(product.sku, email, { method: 'card', token: 'tok_visa', storeCreditCents: 2000 }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'payment.storeCreditCents' })]);
    expect(await balance(email)).toBe(500);
    const { rows } = await server.pool.query(
      `select count(*)::int as n from orders o join customers c on c.id = o.customer_id where c.email = $1`,
      [email],
    );
    expect(rows[0].n).toBe(1);
  });

  it('more credit than the order costs is a 422 naming payment.storeCreditCents', async () => {
    const { product, email } = await customerWithCredit(100_000);
    const refused = await placeOrder(server.api, body(product.sku, email, { method: 'card', token: 'tok_visa', storeCreditCents: 99_999 }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'payment.storeCreditCents' })]);
    expect(await balance(email)).toBe(100_000);
  });

  it('two orders racing for the same credit: one is paid with it, the other refused, and the balance never goes below zero', async () => {
    const { product, email } = await customerWithCredit(3000);
    const results = await Promise.all([0, 1, 2].map(() => placeOrder(server.api, body(product.sku, email, { method: 'card', token: 'tok_visa', storeCreditCents: 2000 }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect(await balance(email)).toBe(1000);
  });
});

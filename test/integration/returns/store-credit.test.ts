import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#server/core/errors.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { STORE_CREDIT_PROVIDER } from '#server/payments/refund-order-payments.ts';
import { redeemStoreCredit } from '#server/store-credit/redeem-store-credit.ts';
import { reverseStoreCreditRedemptions } from '#server/store-credit/reverse-store-credit-redemptions.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, outboxOf, paymentOf, receiveAll, requestReturnOf, type DeliveredOrder, type ReturnBody } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

async function customerIdOf(email: string): Promise<string> {
  const { rows } = await server.pool.query('select id from customers where email = $1', [email.toLowerCase()]);
  return (rows[0] as { id: string }).id;
}

/** A delivered order of one 10.00 item shipped to Oregon (no sales tax), returned and settled with store credit. */
async function creditedCustomer(): Promise<{ delivered: DeliveredOrder; rma: ReturnBody }> {
  const delivered = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 1 }], { region: 'OR' });
  const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);
  await receiveAll(server, rma, delivered.location.id);
  const resolved = expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'store_credit' }), 200).body as ReturnBody;
  return { delivered, rma: resolved };
}

describe('store credit', () => {
  it('a return settled with store credit adds its value to the customer ledger and leaves the payment alone', async () => {
    const { delivered, rma } = await creditedCustomer();
    expect(rma).toMatchObject({ status: 'resolved', resolution: 'store_credit', storeCreditCents: 1000, refundedCents: 0 });
    expect(await paymentOf(server, delivered.paymentId)).toMatchObject({ status: 'captured', refundedCents: 0 });

    const credit = await server.api.get(`/api/customers/${encodeURIComponent(delivered.email.toUpperCase())}/store-credit`);
    expect(credit.status, JSON.stringify(credit.body)).toBe(200);
    expect(credit.body).toMatchObject({
      email: delivered.email,
      balances: [{ currency: 'USD', balanceCents: 1000 }],
      ledger: [{ deltaCents: 1000, currency: 'USD', balanceAfterCents: 1000, reason: 'return', returnId: rma.id, orderId: delivered.order.id }],
    });
    const [issued] = await outboxOf(server, delivered.order.id, 'store_credit.issued');
    expect(issued!.payload).toMatchObject({ returnId: rma.id, amountCents: 1000, currency: 'USD', balanceAfterCents: 1000 });

    expect((await server.api.get('/api/customers/nobody-here@example.com/store-credit')).status).toBe(404);
  });

  it('concurrent redemptions never take the balance below zero: those it covers succeed, the rest are refused whole', async () => {
    const { delivered } = await creditedCustomer();
    const customerId = await customerIdOf(delivered.email);

    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        server.db.transaction((tx) =>
          redeemStoreCredit(tx, { customerId, amountCents: 300, currency: 'USD', orderId: delivered.order.id, occurredAt: new Date(), path: 'payment.storeCreditCents' }),
        ),
      ),
    );

    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(3);
    for (const failure of lost) {
      expect(failure.reason).toBeInstanceOf(ValidationError);
      expect((failure.reason as ValidationError).errors[0]!.path).toBe('payment.storeCreditCents');
    }
    const { rows } = await server.pool.query(
      `select a.balance_cents as balance, (select sum(delta_cents)::int from store_credit_ledger where customer_id = a.customer_id) as "ledgerSum",
         (select min(balance_after_cents)::int from store_credit_ledger where customer_id = a.customer_id) as "lowest",
         (select count(*)::int from store_credit_ledger where customer_id = a.customer_id and reason = 'redemption') as redemptions
       from store_credit_accounts a where a.customer_id = $1`,
      [customerId],
    );
    expect(rows[0]).toEqual({ balance: 100, ledgerSum: 100, lowest: 100, redemptions: 3 });
    expect(await outboxOf(server, delivered.order.id, 'store_credit.redeemed')).toHaveLength(3);

    // Even behind the service's back, the balance cannot go negative.
    await expect(server.pool.query('update store_credit_accounts set balance_cents = balance_cents - 101 where customer_id = $1', [customerId])).rejects.toThrow(/store_credit_balance_nonnegative/);
  });

  it('a redemption of more than the balance, or of nothing, is refused and writes nothing', async () => {
    const { delivered } = await creditedCustomer();
    const customerId = await customerIdOf(delivered.email);
    const redeem = (amountCents: number, currency = 'USD') =>
      server.db.transaction((tx) => redeemStoreCredit(tx, { customerId, amountCents, currency, orderId: delivered.order.id, occurredAt: new Date() }));
    await expect(redeem(1001)).rejects.toThrow(/only 1000 USD cents of store credit are available/);
    await expect(redeem(0)).rejects.toThrow(ValidationError);
    await expect(redeem(100, 'EUR')).rejects.toThrow(/only 0 EUR cents/);
    expect(await redeem(1000)).toMatchObject({ balanceAfterCents: 0 });
    const credit = (await server.api.get(`/api/customers/${delivered.email}/store-credit`)).body;
    expect(credit.balances).toEqual([{ currency: 'USD', balanceCents: 0 }]);
    expect(credit.ledger.map((l: { deltaCents: number }) => l.deltaCents)).toEqual([-1000, 1000]);
  });

  it('what an order redeemed is given back once when it is reversed (a cancelled order)', async () => {
    const { delivered } = await creditedCustomer();
    const customerId = await customerIdOf(delivered.email);
    await server.db.transaction((tx) => redeemStoreCredit(tx, { customerId, amountCents: 700, currency: 'USD', orderId: delivered.order.id, occurredAt: new Date() }));
    const reversed = await server.db.transaction((tx) => reverseStoreCreditRedemptions(tx, delivered.order.id, new Date()));
    expect(reversed).toEqual([{ currency: 'USD', amountCents: 700 }]);
    expect(await server.db.transaction((tx) => reverseStoreCreditRedemptions(tx, delivered.order.id, new Date()))).toEqual([]);
    const credit = (await server.api.get(`/api/customers/${delivered.email}/store-credit`)).body;
    expect(credit.balances).toEqual([{ currency: 'USD', balanceCents: 1000 }]);
    expect(credit.ledger.map((l: { deltaCents: number; reason: string }) => [l.reason, l.deltaCents])).toEqual([
      ['redemption_reversal', 700],
      ['redemption', -700],
      ['return', 1000],
    ]);
  });

  it('a refund of an order paid partly with store credit gives that part back as store credit, the rest to the card', async () => {
    // 25.99 paid as 5.00 of store credit (first) and 20.99 by card, as order capture will write it.
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 2 }], { region: 'OR', capturedCents: 2099 });
    const { rows } = await server.pool.query(
      `insert into payments (order_id, provider, method, status, currency, authorized_cents, captured_cents, created_at)
       values ($1, $2, 'card', 'captured', 'USD', 500, 500, now() - interval '1 minute') returning id`,
      [delivered.order.id, STORE_CREDIT_PROVIDER],
    );
    const creditPaymentId = (rows[0] as { id: string }).id;
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);
    await receiveAll(server, rma, delivered.location.id);

    const resolved = expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' }), 200).body as ReturnBody;

    expect(resolved.refundedCents).toBe(1000);
    expect(await paymentOf(server, creditPaymentId)).toEqual({ status: 'refunded', capturedCents: 500, refundedCents: 500 });
    expect(await paymentOf(server, delivered.paymentId)).toEqual({ status: 'partially_refunded', capturedCents: 2099, refundedCents: 500 });
    const credit = (await server.api.get(`/api/customers/${delivered.email}/store-credit`)).body;
    expect(credit.balances).toEqual([{ currency: 'USD', balanceCents: 500 }]);
    expect(credit.ledger).toEqual([expect.objectContaining({ reason: 'redemption_reversal', deltaCents: 500, returnId: rma.id, orderId: delivered.order.id })]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, outboxOf, paymentOf, receiveAll, requestReturnOf } from './returns-fixture.ts';

class CountingProvider extends SandboxPaymentProvider {
  readonly refunds = new Map<string, number[]>();
  override async refund(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void> {
    await super.refund(authorizationId, amountCents, idempotencyKey);
    this.refunds.set(authorizationId, [...(this.refunds.get(authorizationId) ?? []), amountCents]);
  }
}

const provider = new CountingProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

async function providerRefunds(paymentId: string): Promise<number[]> {
  const { rows } = await server.pool.query('select provider_ref from payments where id = $1', [paymentId]);
  return provider.refunds.get((rows[0] as { provider_ref: string }).provider_ref) ?? [];
}

describe('refunds at the same time', () => {
  it('resolving one RMA five times at once refunds it once; the others are 409 invalid_transition', async () => {
    // Two 10.00 items to Oregon (no sales tax) + 5.99 shipping.
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 2 }], { region: 'OR' });
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 2 }]);
    await receiveAll(server, rma, delivered.location.id);

    const responses = await Promise.all(Array.from({ length: 5 }, () => server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' })));

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const refused of responses.filter((r) => r.status === 409)) expect(refused.body).toMatchObject({ type: 'invalid_transition' });
    expect(await paymentOf(server, delivered.paymentId)).toEqual({ status: 'partially_refunded', capturedCents: 2599, refundedCents: 2000 });
    expect(await providerRefunds(delivered.paymentId)).toEqual([2000]);
    expect(await outboxOf(server, delivered.order.id, 'payment.refunded')).toHaveLength(1);
  });

  it('two RMAs of one order refunded at once never return more than was captured: the one that does not fit is a 409 and changes nothing', async () => {
    // 25.99 authorized, only 15.00 captured so far: room for one 10.00 refund, not two.
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 2 }], { region: 'OR', capturedCents: 1500 });
    const sku = delivered.products[0]!.sku;
    const first = await requestReturnOf(server, delivered.order.number, [{ sku, quantity: 1 }]);
    const second = await requestReturnOf(server, delivered.order.number, [{ sku, quantity: 1 }]);
    await receiveAll(server, first, delivered.location.id);
    await receiveAll(server, second, delivered.location.id);

    const responses = await Promise.all([first, second].map((rma) => server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' })));

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = responses.find((r) => r.status === 409)!;
    expect(refused.body).toMatchObject({ type: 'conflict', errors: [{ path: 'kind' }] });
    expect(refused.body.detail).toMatch(/Only 500 cents/);
    expect(await paymentOf(server, delivered.paymentId)).toEqual({ status: 'partially_refunded', capturedCents: 1500, refundedCents: 1000 });
    expect(await providerRefunds(delivered.paymentId)).toEqual([1000]);
    const { rows } = await server.pool.query('select status, count(*)::int as n from returns where order_id = $1 group by status order by status', [delivered.order.id]);
    expect(rows).toEqual([
      { status: 'inspected', n: 1 },
      { status: 'resolved', n: 1 },
    ]);

    // The one left over can still be settled with store credit.
    const loser = responses[0]!.status === 409 ? first : second;
    const credited = await server.api.post(`/api/returns/${loser.id}/resolve`, { kind: 'store_credit' });
    expect(credited.status).toBe(200);
    expect(credited.body).toMatchObject({ storeCreditCents: 1000 });
  });
});

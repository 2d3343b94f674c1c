import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { createLocation, expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, orderStatusOf, outboxOf, paymentOf, type ReturnBody } from './returns-fixture.ts';

/** The sandbox, with every refund it was asked for written down. */
class RecordingProvider extends SandboxPaymentProvider {
  readonly refunds: { authorizationId: string; amountCents: number }[] = [];
  override async refund(authorizationId: string, amountCents: number, idempotencyKey: string): Promise<void> {
    await super.refund(authorizationId, amountCents, idempotencyKey);
    this.refunds.push({ authorizationId, amountCents });
  }
}

const provider = new RecordingProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

describe('a partial return with refund, from the tracking page to the money back', () => {
  it('returns 2 of 3 units: RMA, label, receipt with restock, refund of their price and tax share without shipping, every event', async () => {
    // 3 × 19.99 and 1 × 12.50 to Texas (6.25 %): tax 374.81 → 3.75 and 78.13 → 0.78, shipping 5.99 (under 75.00, 1 kg).
    const delivered = await deliveredOrder(server, provider, [
      { priceCents: 1999, quantity: 3, category: 'apparel' },
      { priceCents: 1250, quantity: 1, category: 'kitchen' },
    ]);
    const [tee] = delivered.products;
    const { body: placed } = await server.api.get(`/api/orders/${delivered.order.id}`);
    expect(placed.totals).toEqual({ subtotal: 7247, discount: 0, tax: 453, shipping: 599, total: 8299 });

    // The customer opens the RMA on the tracking page.
    const requested = await server.anonymous.post(`/api/track/${delivered.order.number}/returns?email=${encodeURIComponent(delivered.email.toUpperCase())}`, {
      lines: [{ sku: tee!.sku, quantity: 2, reason: 'size_or_fit', note: 'too small' }],
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const rma = requested.body as ReturnBody;
    expect(rma).toMatchObject({ status: 'requested', requestedBy: 'customer', orderId: delivered.order.id, currency: 'USD' });
    expect(rma.number).toMatch(/^R\d{6,}$/);
    expect(rma.lines).toEqual([expect.objectContaining({ sku: tee!.sku, category: 'apparel', quantity: 2, reason: 'size_or_fit', note: 'too small', receivedQuantity: 0 })]);
    expect(await orderStatusOf(server, delivered.order.id)).toBe('return_requested');
    const [requestedEvent] = await outboxOf(server, delivered.order.id, 'return.requested');
    expect(requestedEvent!.payload).toMatchObject({ returnId: rma.id, rmaNumber: rma.number, requestedBy: 'customer', from: 'delivered', to: 'return_requested' });

    expect(expectStatus(await server.api.post(`/api/returns/${rma.id}/authorize`), 200).body).toMatchObject({ status: 'authorized' });
    const label = await server.api.get(`/api/returns/${rma.number}/label`);
    expect(label.status).toBe(200);
    expect(label.headers.get('content-type')).toBe('application/pdf');
    expect(String(label.body).startsWith('%PDF-')).toBe(true);
    const customerLabel = await server.anonymous.get(`/api/track/${delivered.order.number}/returns/${rma.number}/label?email=${encodeURIComponent(delivered.email)}`);
    expect(customerLabel.status).toBe(200);
    expect(customerLabel.headers.get('content-type')).toBe('application/pdf');
    expect((await server.anonymous.get(`/api/track/${delivered.order.number}/returns/${rma.number}/label?email=other@example.com`)).status).toBe(404);

    // Both units arrive at a returns centre: one goes back on the shelf, one is scrapped.
    const centre = await createLocation(server.api, { name: 'Returns centre' });
    const received = await server.api.post(`/api/returns/${rma.id}/receive`, {
      locationId: centre.id,
      lines: [{ returnLineId: rma.lines[0]!.id, quantity: 2, disposition: { restock: 1, scrap: 1 } }],
    });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body).toMatchObject({ status: 'inspected', locationId: centre.id });
    expect((received.body as ReturnBody).lines[0]).toMatchObject({
      receivedQuantity: 2,
      disposition: { restock: 1, refurbish: 0, scrap: 1, returnToVendor: 0 },
      restockLocationId: centre.id,
    });
    expect(await orderStatusOf(server, delivered.order.id)).toBe('returned');
    const { rows: stock } = await server.pool.query('select on_hand from inventory_levels where sku = $1 and location_id = $2', [tee!.sku, centre.id]);
    expect(stock).toEqual([{ on_hand: 1 }]);
    const [receivedEvent] = await outboxOf(server, delivered.order.id, 'return.received');
    expect(receivedEvent!.payload).toEqual({
      channel: 'web',
      destination: { country: 'US', region: 'TX', postalCode: '73301' },
      returnId: rma.id,
      locationId: centre.id,
      lines: [{ sku: tee!.sku, category: 'apparel', quantity: 2 }],
      reason: 'size_or_fit',
    });

    // Refund: 2/3 of the line's 59.97 + 3.75 tax = floor(6372 × 2 / 3) = 42.48; shipping stays paid.
    const resolved = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund', note: 'refunded at the desk' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'refund', refundedCents: 4248, shippingRefundedCents: 0, storeCreditCents: 0, note: 'refunded at the desk' });
    expect(await paymentOf(server, delivered.paymentId)).toEqual({ status: 'partially_refunded', capturedCents: 8299, refundedCents: 4248 });
    expect(provider.refunds.filter((r) => r.amountCents === 4248)).toHaveLength(1);
    const refunds = await outboxOf(server, delivered.order.id, 'payment.refunded');
    expect(refunds.map((e) => e.payload)).toEqual([{ channel: 'web', returnId: rma.id, paymentId: delivered.paymentId, amountCents: 4248, currency: 'USD' }]);
    const [resolvedEvent] = await outboxOf(server, delivered.order.id, 'return.resolved');
    expect(resolvedEvent!.payload).toMatchObject({ returnId: rma.id, kind: 'refund', units: 2, goodsValueCents: 4248, refundedCents: 4248, currency: 'USD' });
    expect(Date.parse(resolvedEvent!.payload.resolvedAt)).toBeGreaterThanOrEqual(Date.parse(resolvedEvent!.payload.receivedAt));

    // Settled once: a second resolution is refused and refunds nothing more.
    const again = await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'invalid_transition' });
    expect((await paymentOf(server, delivered.paymentId)).refundedCents).toBe(4248);
  });

  it('returns the last unit later: the line is then paid back to the cent, and shipping only when asked', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1999, quantity: 3 }]);
    const [tee] = delivered.products;
    const centre = await createLocation(server.api);
    const paid: number[] = [];
    for (const [quantity, includeShipping] of [[2, false], [1, true]] as const) {
      const rma = expectStatus(await server.api.post('/api/returns', { order: delivered.order.number, lines: [{ sku: tee!.sku, quantity, reason: 'defective' }] }), 201)
        .body as ReturnBody;
      expectStatus(
        await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: centre.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity, disposition: { refurbish: quantity } }] }),
        200,
      );
      const resolved = expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund', includeShipping }), 200).body as ReturnBody;
      paid.push(resolved.refundedCents);
    }
    // Line: 59.97 + 3.75 tax = 63.72; 42.48 then 21.24 + shipping 5.99.
    expect(paid).toEqual([4248, 2124 + 599]);
    expect(await paymentOf(server, delivered.paymentId)).toEqual({ status: 'refunded', capturedCents: 6971, refundedCents: 6971 });
  });
});

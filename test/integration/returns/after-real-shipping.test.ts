import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { expectStatus, orderBody, placedOrder, stockedProduct, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatusOf, paymentOf, type ReturnBody } from './returns-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Shipment {
  id: string;
  lines: { id: string; sku: string; quantity: number }[];
}

describe('returning an order that went through the fulfillment commands', () => {
  it('counts the units its shipment really carried and refunds from the payment captured when it shipped', async () => {
    const { product, location } = await stockedProduct(server.api, 10, { priceCents: 1000 });
    const email = `${unique('shipped')}@example.com`;
    // Oregon: no sales tax; 3 × 10.00 + 5.99 shipping.
    const order = await placedOrder(
      server.api,
      orderBody([{ sku: product.sku, quantity: 3 }], {
        customer: { email, name: 'Ada' },
        shippingAddress: { line1: '1 Main St', city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' },
      }),
    );
    expectStatus(await server.api.post('/api/fulfillment/release', {}), 200);
    const [shipment] = expectStatus(await server.api.get(`/api/fulfillment/shipments?orderId=${order.id}`), 200).body as Shipment[];
    const password = `pw-${randomUUID()}`;
    const picker = `${unique('picker')}@example.com`;
    expectStatus(await server.api.post('/api/users', { email: picker, name: 'Picker', password, roles: ['staff'] }), 201);
    const floor = await signIn(server.url, picker, password);
    expectStatus(await floor.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment!.lines.map((l) => l.id) }), 200);
    for (const line of shipment!.lines) expectStatus(await floor.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
    expectStatus(await floor.post(`/api/fulfillment/shipments/${shipment!.id}/pack`, { items: [{ sku: product.sku, quantity: 3 }] }), 200);

    // Shipped, not delivered: nothing can be returned yet.
    expectStatus(await floor.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200);
    const early = await server.api.post('/api/returns', { order: order.number, lines: [{ sku: product.sku, quantity: 1, reason: 'damaged' }] });
    expect(early.status).toBe(409);

    // The carrier's delivery scan, as its webhook would leave it.
    await server.pool.query(`update shipments set status = 'delivered', delivered_at = now() where id = $1`, [shipment!.id]);
    await server.pool.query(`update orders set status = 'delivered' where id = $1`, [order.id]);
    const tooMany = await server.api.post('/api/returns', { order: order.number, lines: [{ sku: product.sku, quantity: 4, reason: 'damaged' }] });
    expect(tooMany.body.errors).toEqual([{ path: 'lines.0.quantity', message: expect.stringMatching(/only 3 of the 3 delivered units/) }]);

    const rma = expectStatus(await server.api.post('/api/returns', { order: order.number, lines: [{ sku: product.sku, quantity: 1, reason: 'damaged' }] }), 201).body as ReturnBody;
    const { rows: before } = await server.pool.query('select on_hand from inventory_levels where sku = $1 and location_id = $2', [product.sku, location.id]);
    expectStatus(
      await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: location.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }] }),
      200,
    );
    const { rows: after } = await server.pool.query('select on_hand from inventory_levels where sku = $1 and location_id = $2', [product.sku, location.id]);
    expect(after[0].on_hand).toBe(before[0].on_hand + 1);
    expect(await orderStatusOf(server, order.id)).toBe('returned');

    const resolved = expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' }), 200).body as ReturnBody;
    expect(resolved.refundedCents).toBe(1000);
    const { rows: payments } = await server.pool.query('select id from payments where order_id = $1', [order.id]);
    expect(await paymentOf(server, payments[0].id)).toEqual({ status: 'partially_refunded', capturedCents: 3599, refundedCents: 1000 });
  });
});

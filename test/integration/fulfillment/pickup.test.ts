import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createProduct, createStore, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, outboxOf, pickAndPack, release, shipmentsOf, signedInUser } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('in-store pickup', () => {
  it('goes packed → ready_for_pickup (order.shipped, payment captured) → picked_up (order.delivered at the pickup)', async () => {
    const store = await createStore(server.api);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, store.id, 5);
    const body = orderBody([{ sku: product.sku, quantity: 2 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: store.id } });
    delete (body as Record<string, unknown>).shippingAddress;
    const order = await placedOrder(server.api, body);
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    expect(shipment).toMatchObject({ locationId: store.id, carrier: null });
    const clerk = await signedInUser(server, ['staff'], [store.id]);
    const packed = await pickAndPack(clerk.client, shipment!);
    expect(packed.packages[0]).toMatchObject({ labelCostCents: 0 });
    expect(packed.packages[0]!.trackingNumber).toMatch(/^PU\d{16}$/);
    expect((await clerk.client.post(`/api/fulfillment/shipments/${shipment!.id}/ship`)).body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect((await server.api.get(`/api/fulfillment/packages/${packed.packages[0]!.id}/label`)).status).toBe(409);

    const ready = expectStatus(await clerk.client.post(`/api/fulfillment/shipments/${shipment!.id}/ready-for-pickup`), 200).body as any;
    expect(ready.status).toBe('ready_for_pickup');
    expect(await orderStatus(server, order.id)).toBe('shipped');
    const { rows } = await server.pool.query('select authorized_cents, captured_cents from payments where order_id = $1', [order.id]);
    expect(rows[0].captured_cents).toBe(rows[0].authorized_cents);
    expect((await outboxOf(server, order.id, 'order.shipped'))[0]!.payload).toMatchObject({ carrier: null, destination: null, locationId: store.id });

    const collected = expectStatus(await clerk.client.post(`/api/fulfillment/shipments/${shipment!.id}/picked-up`), 200).body as any;
    expect(collected.status).toBe('picked_up');
    expect(await orderStatus(server, order.id)).toBe('delivered');
    const [delivered] = await outboxOf(server, order.id, 'order.delivered');
    expect(delivered!.payload).toMatchObject({ shipmentId: shipment!.id, locationId: store.id, carrier: null, deliveredAt: collected.deliveredAt });
  });

  it('a shipment to a customer cannot be made ready for pickup', async () => {
    const store = await createStore(server.api);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, store.id, 5);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    const clerk = await signedInUser(server);
    await pickAndPack(clerk.client, shipment!);
    expect((await clerk.client.post(`/api/fulfillment/shipments/${shipment!.id}/ready-for-pickup`)).body).toMatchObject({ status: 409, type: 'invalid_transition' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Two warehouses an order to Austin could come from: one in Austin with dear labour, one in San Antonio (118 km) with cheap. */
async function network() {
  const dear = await createLocation(server.api, { name: 'Austin DC', lat: 30.27, lon: -97.74, pickCostCents: 500, packCostCents: 2000 });
  const cheap = await createLocation(server.api, { name: 'San Antonio DC', lat: 29.42, lon: -98.49, pickCostCents: 30, packCostCents: 100 });
  const product = await createProduct(server.api, { weightGrams: 400 });
  await addStock(server.api, product.sku, dear.id, 10);
  await addStock(server.api, product.sku, cheap.id, 10);
  return { dear, cheap, product };
}

describe('order capture sources each order by cost (server/sourcing)', () => {
  it('takes the cheaper location over the nearer one, and keeps the decision with every candidate for customer service', async () => {
    const { dear, cheap, product } = await network();
    const order = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))) as any;
    expect(order.lines[0].allocations).toEqual([{ locationId: cheap.id, quantity: 1 }]);

    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.number}/sourcing`), 200).body as any;
    expect(sourcing).toMatchObject({ orderId: order.id, number: order.number, strategy: 'single' });
    const candidates = sourcing.decision.log.candidates as { locationId: string; status: string; rank: number; chosen: boolean; costCents: number }[];
    const byId = new Map(candidates.map((c) => [c.locationId, c]));
    expect(byId.get(cheap.id)).toMatchObject({ status: 'ranked', rank: 1, chosen: true });
    expect(byId.get(dear.id)).toMatchObject({ status: 'ranked', rank: 2, chosen: false });
    // The dear one's labour alone (5.00 + 20.00) outweighs any difference in postage.
    expect(byId.get(dear.id)!.costCents - byId.get(cheap.id)!.costCents).toBeGreaterThan(2000);
    expect(sourcing.totalCostCents).toBe(byId.get(cheap.id)!.costCents);
    expect(sourcing.decision.promisedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('an address without coordinates is served from the location with the most stock, with no decision to show', async () => {
    const { dear, cheap, product } = await network();
    await addStock(server.api, product.sku, dear.id, 5);
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const { lat: _lat, lon: _lon, ...address } = body.shippingAddress;
    const order = (await placedOrder(server.api, { ...body, shippingAddress: address })) as any;
    expect(order.lines[0].allocations).toEqual([{ locationId: dear.id, quantity: 1 }]);
    expect(cheap.id).not.toBe(dear.id);
    expect((await server.api.get(`/api/orders/${order.id}/sourcing`)).status).toBe(404);
  });

  it('a drop-ship product goes to its vendor as a vendor order, even with a nearer warehouse holding it', async () => {
    const { dear: nearby } = await network();
    const vendor = await createLocation(server.api, { name: 'Vendor', kind: 'dropship', lat: 41.88, lon: -87.63 });
    const shipped = await createProduct(server.api, { dropshipVendorId: vendor.id });
    expect(shipped).toMatchObject({ dropshipVendorId: vendor.id });
    await addStock(server.api, shipped.sku, vendor.id, 5);
    await addStock(server.api, shipped.sku, nearby.id, 5);

    const order = (await placedOrder(server.api, orderBody([{ sku: shipped.sku, quantity: 1 }]))) as any;
    expect(order.lines[0].allocations).toEqual([{ locationId: vendor.id, quantity: 1 }]);
    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.shipments).toEqual([expect.objectContaining({ locationId: vendor.id, type: 'vendor_order' })]);
  });

  it('a drop-ship vendor must be a location of kind dropship', async () => {
    const warehouse = await createLocation(server.api);
    const refused = await server.api.post('/api/products', { sku: `DS-${Date.now()}`, name: 'x', category: 'c', priceCents: 100, currency: 'USD', weightGrams: 1, dropshipVendorId: warehouse.id });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'dropshipVendorId' })]);
  });
});

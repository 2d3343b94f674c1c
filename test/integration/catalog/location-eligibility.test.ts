import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, createStore, expectStatus, orderBody, placedOrder, placeOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A store in Austin (near, cheap labour) and a warehouse in San Antonio, both holding one product. */
async function storeAndWarehouse() {
  const store = (await createStore(server.api, { lat: 30.27, lon: -97.74 })) as any;
  const warehouse = await createLocation(server.api, { lat: 29.42, lon: -98.49, pickCostCents: 200, packCostCents: 800 });
  const product = await createProduct(server.api, { weightGrams: 400 });
  await addStock(server.api, product.sku, store.id, 5);
  await addStock(server.api, product.sku, warehouse.id, 5);
  return { store, warehouse, product };
}

async function patchLocation(id: string, body: unknown) {
  return server.api.patch(`/api/locations/${id}`, body);
}

describe('what each location may do for customers (ships, hands out pickups, open)', () => {
  it('defaults follow the kind: stores ship and hand out pickups, warehouses ship, drop-ship vendors do neither', async () => {
    const store = (await createStore(server.api)) as any;
    const warehouse = await createLocation(server.api);
    const vendor = await createLocation(server.api, { kind: 'dropship' });
    expect(store).toMatchObject({ shipsToCustomers: true, offersPickup: true });
    expect(warehouse).toMatchObject({ shipsToCustomers: true, offersPickup: false });
    expect(vendor).toMatchObject({ shipsToCustomers: false, offersPickup: false });
    const refused = expectStatus(await server.api.post('/api/locations', { code: `V${Date.now()}`, name: 'Vendor', kind: 'dropship', lat: 1, lon: 1, dailyCapacity: 1, offersPickup: true }), 422);
    expect((refused.body as any).errors).toEqual([expect.objectContaining({ path: 'offersPickup' })]);
  });

  it('a store that stops shipping from its stock is passed over (and the decision says why); it still hands out pickups', async () => {
    const { store, warehouse, product } = await storeAndWarehouse();
    const first = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))) as any;
    expect(first.lines[0].allocations).toEqual([{ locationId: store.id, quantity: 1 }]);

    expect(expectStatus(await patchLocation(store.id, { shipsToCustomers: false }), 200).body).toMatchObject({ shipsToCustomers: false, offersPickup: true });
    const second = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))) as any;
    expect(second.lines[0].allocations).toEqual([{ locationId: warehouse.id, quantity: 1 }]);
    const sourcing = expectStatus(await server.api.get(`/api/orders/${second.number}/sourcing`), 200).body as any;
    expect(sourcing.decision.log.candidates.find((c: any) => c.locationId === store.id)).toMatchObject({ status: 'eliminated', reason: 'not_eligible_ship' });

    const pickup = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: store.id }, shippingAddress: undefined }))) as any;
    expect(pickup.lines[0].allocations).toEqual([{ locationId: store.id, quantity: 1 }]);
  });

  it('pickup is refused at a location without a counter or closed, naming the field; a warehouse may open a will-call counter', async () => {
    const { store, warehouse, product } = await storeAndWarehouse();
    const pickupAt = (id: string) => orderBody([{ sku: product.sku, quantity: 1 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: id }, shippingAddress: undefined });

    const atWarehouse = expectStatus(await placeOrder(server.api, pickupAt(warehouse.id)), 422).body as any;
    expect(atWarehouse.errors).toEqual([{ path: 'delivery.pickupLocationId', message: 'does not offer pickup' }]);
    expectStatus(await patchLocation(warehouse.id, { offersPickup: true }), 200);
    const willCall = (await placedOrder(server.api, pickupAt(warehouse.id))) as any;
    expect(willCall.lines[0].allocations).toEqual([{ locationId: warehouse.id, quantity: 1 }]);

    expectStatus(await patchLocation(store.id, { active: false }), 200);
    const closed = expectStatus(await placeOrder(server.api, pickupAt(store.id)), 422).body as any;
    expect(closed.errors).toEqual([{ path: 'delivery.pickupLocationId', message: 'is closed' }]);
    // A closed store is not sourced from for shipping either.
    const shipped = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))) as any;
    expect(shipped.lines[0].allocations).toEqual([{ locationId: warehouse.id, quantity: 1 }]);
  });

  it('a change is validated, audited as an event, and 404s for an unknown location', async () => {
    const warehouse = await createLocation(server.api);
    const bad = expectStatus(await patchLocation(warehouse.id, { dailyCapacity: -1, colour: 'red' }), 422).body as any;
    expect(bad.errors.map((e: any) => e.path).sort()).toEqual(['colour', 'dailyCapacity'].sort());
    expectStatus(await patchLocation(warehouse.id, {}), 422);
    const vendor = await createLocation(server.api, { kind: 'dropship' });
    expect((expectStatus(await patchLocation(vendor.id, { offersPickup: true }), 422).body as any).errors).toEqual([
      { path: 'offersPickup', message: 'a drop-ship vendor has no pickup counter' },
    ]);
    expectStatus(await patchLocation('00000000-0000-4000-8000-000000000000', { active: false }), 404);

    expect(expectStatus(await patchLocation(warehouse.id, { dailyCapacity: 7, packCostCents: 150 }), 200).body).toMatchObject({ dailyCapacity: 7, packCostCents: 150 });
    const { rows } = await server.pool.query(`select payload from outbox where type = 'location.updated' and aggregate_id = $1`, [warehouse.id]);
    expect(rows.map((r) => r.payload.changes)).toEqual([{ dailyCapacity: 7, packCostCents: 150 }]);
  });
});

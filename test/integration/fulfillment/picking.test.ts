import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createProduct, expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, release, shipmentsOf, signedInUser } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A released one-line order of `quantity` units at a new location. */
async function releasedOrder(quantity = 2) {
  const { product, location } = await stockedProduct(server.api, 20);
  const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity }]));
  await release(server);
  const [shipment] = await shipmentsOf(server, order.id);
  return { order, shipment: shipment!, location, sku: product.sku };
}

describe('the pick list', () => {
  it("lists a location's open lines batched across orders and sorted by SKU", async () => {
    const { location, product: b } = await stockedProduct(server.api, 20, { sku: `B-${Date.now()}` });
    const a = await createProduct(server.api, { sku: `A-${Date.now()}` });
    await addStock(server.api, a.sku, location.id, 20);
    const one = await placedOrder(server.api, orderBody([{ sku: b.sku, quantity: 1 }, { sku: a.sku, quantity: 2 }]));
    const two = await placedOrder(server.api, orderBody([{ sku: b.sku, quantity: 3 }]));
    await release(server);

    const list = expectStatus(await server.api.get(`/api/fulfillment/locations/${location.id}/pick-list`), 200).body as any;
    expect(list.items.map((i: any) => [i.sku, i.openUnits, i.lines.map((l: any) => l.orderId)])).toEqual([
      [a.sku, 2, [one.id]],
      [b.sku, 4, [one.id, two.id]],
    ]);
  });

  it('walks the floor in bin order once bins are recorded; SKUs without a bin come last', async () => {
    const stamp = Date.now();
    const { location, product: a } = await stockedProduct(server.api, 20, { sku: `A-${stamp}` });
    const b = await createProduct(server.api, { sku: `B-${stamp}` });
    const c = await createProduct(server.api, { sku: `C-${stamp}` });
    await addStock(server.api, b.sku, location.id, 20);
    await addStock(server.api, c.sku, location.id, 20);
    await placedOrder(server.api, orderBody([{ sku: a.sku, quantity: 1 }, { sku: b.sku, quantity: 1 }, { sku: c.sku, quantity: 1 }]));
    await release(server);
    const setBin = (sku: string, bin: unknown) => server.api.put(`/api/inventory/levels/${sku}/${location.id}/bin`, { bin });

    expect(expectStatus(await setBin(c.sku, 'A-01-02'), 200).body).toMatchObject({ sku: c.sku, locationId: location.id, bin: 'A-01-02' });
    expectStatus(await setBin(b.sku, 'B-12-01'), 200);
    const list = expectStatus(await server.api.get(`/api/fulfillment/locations/${location.id}/pick-list`), 200).body as any;
    expect(list.items.map((i: any) => [i.sku, i.bin])).toEqual([
      [c.sku, 'A-01-02'],
      [b.sku, 'B-12-01'],
      [a.sku, null],
    ]);
    const level = expectStatus(await server.api.get(`/api/inventory?sku=${c.sku}&locationId=${location.id}`), 200).body as any[];
    expect(level[0]).toMatchObject({ bin: 'A-01-02' });

    expect((await setBin(c.sku, 'shelf 4')).body).toMatchObject({ status: 422, errors: [{ path: 'bin' }] });
    expect((await server.api.put(`/api/inventory/levels/NO-SUCH/${location.id}/bin`, { bin: 'A-1' })).body).toMatchObject({ status: 422, errors: [{ path: 'sku' }] });
    expect(expectStatus(await setBin(c.sku, null), 200).body).toMatchObject({ bin: null });
  });

  it("lists a location's shipments by status; an order id or a location is required", async () => {
    const { order, location } = await releasedOrder();
    const list = expectStatus(await server.api.get(`/api/fulfillment/shipments?locationId=${location.id}&status=pending`), 200).body as any[];
    expect(list.map((s) => s.orderId)).toEqual([order.id]);
    expect(expectStatus(await server.api.get(`/api/fulfillment/shipments?locationId=${location.id}&status=packed`), 200).body).toEqual([]);
    expect((await server.api.get('/api/fulfillment/shipments')).body).toMatchObject({ status: 422, errors: [{ path: 'orderId' }] });
  });

  it('is refused (403 naming locationId) to staff limited to other locations', async () => {
    const { location } = await releasedOrder();
    const { location: other } = await stockedProduct(server.api, 1);
    const staff = await signedInUser(server, ['staff'], [other.id]);
    const response = await staff.client.get(`/api/fulfillment/locations/${location.id}/pick-list`);
    expect(response.status).toBe(403);
    expect(response.body.errors).toEqual([{ path: 'locationId', message: 'is not one of your locations' }]);
  });
});

describe('claiming lines', () => {
  it('two staff claiming the same line at once: exactly one wins, the other gets a 409 naming the line', async () => {
    for (let round = 0; round < 5; round++) {
      const { shipment } = await releasedOrder();
      const [ann, bob] = await Promise.all([signedInUser(server), signedInUser(server)]);
      const body = { shipmentLineIds: [shipment.lines[0]!.id] };
      const answers = await Promise.all([ann.client.post('/api/fulfillment/pick-claims', body), bob.client.post('/api/fulfillment/pick-claims', body)]);

      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const lost = answers.find((a) => a.status === 409)!;
      expect(lost.body).toMatchObject({ type: 'conflict', errors: [{ path: 'shipmentLineIds.0', message: `line ${shipment.lines[0]!.id} is claimed by another picker` }] });
      const winner = answers[0]!.status === 200 ? ann : bob;
      const [stored] = await shipmentsOf(server, (await server.pool.query('select order_id from shipments where id = $1', [shipment.id])).rows[0].order_id);
      expect(stored!.lines[0]!.pickerId).toBe(winner.id);
    }
  });

  it('starts the shipment and the order picking; claiming again is harmless; all or nothing', async () => {
    const { order, shipment } = await releasedOrder();
    const other = await releasedOrder();
    const [ann, bob] = [await signedInUser(server), await signedInUser(server)];
    expectStatus(await bob.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [other.shipment.lines[0]!.id] }), 200);

    const both = await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id, other.shipment.lines[0]!.id] });
    expect(both.status).toBe(409);
    expect(both.body.errors).toEqual([{ path: 'shipmentLineIds.1', message: `line ${other.shipment.lines[0]!.id} is claimed by another picker` }]);
    expect((await shipmentsOf(server, order.id))[0]!.lines[0]!.pickerId).toBeNull();

    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] }), 200);
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] }), 200);
    expect((await shipmentsOf(server, order.id))[0]!.status).toBe('picking');
    expect(await orderStatus(server, order.id)).toBe('picking');
  });

  it('names unknown lines (404) and bad ids (422), and refuses API tokens (403)', async () => {
    const { shipment } = await releasedOrder();
    const ann = await signedInUser(server);
    expect((await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: ['nope'] })).body).toMatchObject({
      status: 422,
      errors: [{ path: 'shipmentLineIds.0' }],
    });
    expect((await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [crypto.randomUUID()] })).status).toBe(404);
    expect((await server.api.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] })).status).toBe(403);
  });

  it('a held order refuses claims with 409 invalid_transition and nothing is claimed', async () => {
    const { order, shipment } = await releasedOrder();
    expectStatus(await server.api.post(`/api/orders/${order.id}/hold`, {}), 200);
    const ann = await signedInUser(server);
    const response = await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] });
    expect(response.body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect((await shipmentsOf(server, order.id))[0]!.lines[0]!.pickerId).toBeNull();
  });
});

describe('releasing claims', () => {
  it("a picker releases their own claim, only a manager another's; the shipment goes back to pending", async () => {
    const { order, shipment } = await releasedOrder();
    const [ann, bob, boss] = [await signedInUser(server), await signedInUser(server), await signedInUser(server, ['manager'])];
    const body = { shipmentLineIds: [shipment.lines[0]!.id] };
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', body), 200);
    expect((await bob.client.post('/api/fulfillment/pick-claims/release', body)).status).toBe(403);
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims/release', body), 200);
    expect((await shipmentsOf(server, order.id))[0]).toMatchObject({ status: 'pending', lines: [{ pickerId: null }] });

    expectStatus(await bob.client.post('/api/fulfillment/pick-claims', body), 200);
    expectStatus(await boss.client.post('/api/fulfillment/pick-claims/release', body), 200);
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', body), 200);
    expectStatus(await ann.client.post(`/api/fulfillment/shipment-lines/${shipment.lines[0]!.id}/pick`, { quantity: 2 }), 200);
    expect((await boss.client.post('/api/fulfillment/pick-claims/release', body)).body).toMatchObject({ status: 409, errors: [{ path: 'shipmentLineIds.0' }] });
  });
});

describe('a hold', () => {
  it('stops claims and picks on a shipment already being picked (409), and the release lets them go on', async () => {
    const { order, shipment } = await releasedOrder(2);
    const ann = await signedInUser(server);
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] }), 200);
    expectStatus(await server.api.post(`/api/orders/${order.id}/hold`, {}), 200);
    expect((await ann.client.post(`/api/fulfillment/shipment-lines/${shipment.lines[0]!.id}/pick`, { quantity: 2 })).body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect((await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] })).body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expectStatus(await server.api.post(`/api/orders/${order.id}/release`, {}), 200);
    expectStatus(await ann.client.post(`/api/fulfillment/shipment-lines/${shipment.lines[0]!.id}/pick`, { quantity: 2 }), 200);
  });
});

describe('confirming a pick', () => {
  it('only the claimer may confirm; a short pick records the picked units', async () => {
    const { order, shipment } = await releasedOrder(5);
    const [ann, bob] = [await signedInUser(server), await signedInUser(server)];
    const line = shipment.lines[0]!;
    expect((await ann.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 5 })).status).toBe(409);
    expectStatus(await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);

    expect((await bob.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 5 })).status).toBe(403);
    expect((await ann.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 6 })).body).toMatchObject({ status: 422, errors: [{ path: 'quantity' }] });
    const picked = expectStatus(await ann.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 3 }), 200).body as any;
    expect(picked.lines[0]).toMatchObject({ quantity: 5, pickedQuantity: 3 });
    expect((await ann.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 3 })).status).toBe(409);

    const list = expectStatus(await server.api.get(`/api/fulfillment/locations/${shipment.locationId}/pick-list`), 200).body as any;
    expect(list.items.flatMap((i: any) => i.lines.map((l: any) => l.orderId))).not.toContain(order.id);
  });
});

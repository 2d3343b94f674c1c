import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createProduct, expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { release, shipmentsOf, signedInUser, type ShipmentBody } from './fulfillment-fixture.ts';

/** POST /api/fulfillment/shipments/{id}/pick: a whole shipment's pick in one call. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A released order of two lines (2 and 3 units) at one new location, its shipment claimed by a new picker. */
async function claimedShipment() {
  const { product: a, location } = await stockedProduct(server.api, 20);
  const b = await createProduct(server.api);
  await addStock(server.api, b.sku, location.id, 20);
  const order = await placedOrder(server.api, orderBody([{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 3 }]));
  await release(server);
  const [shipment] = await shipmentsOf(server, order.id);
  const picker = await signedInUser(server);
  expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment!.lines.map((l) => l.id) }), 200);
  return { shipment: shipment!, picker };
}

describe("a whole shipment's pick", () => {
  it('picks every line in full without a body, and the shipment packs as after line-by-line picks', async () => {
    const { shipment, picker } = await claimedShipment();
    const picked = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`), 200).body as ShipmentBody;
    expect(picked.lines.map((l) => [l.quantity, l.pickedQuantity])).toEqual(shipment.lines.map((l) => [l.quantity, l.quantity]));
    const items = shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    expect(expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items }), 200).body).toMatchObject({ status: 'packed' });
  });

  it('takes short quantities for the lines named, the rest in full', async () => {
    const { shipment, picker } = await claimedShipment();
    const [first, second] = shipment.lines as [ShipmentBody['lines'][number], ShipmentBody['lines'][number]];
    const picked = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`, { lines: [{ shipmentLineId: second.id, quantity: 1 }] }), 200)
      .body as ShipmentBody;
    const byId = new Map(picked.lines.map((l) => [l.id, l.pickedQuantity]));
    expect([byId.get(first.id), byId.get(second.id)]).toEqual([first.quantity, 1]);
  });

  it('changes nothing when any line is not the caller’s to pick, is foreign, too many, or the shipment is already picked', async () => {
    const { shipment, picker } = await claimedShipment();
    const other = await signedInUser(server);
    expect((await other.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`)).status).toBe(403);
    const foreign = await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`, { lines: [{ shipmentLineId: crypto.randomUUID(), quantity: 1 }] });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe('lines.0.shipmentLineId');
    const tooMany = await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`, { lines: [{ shipmentLineId: shipment.lines[0]!.id, quantity: 99 }] });
    expect(tooMany.body.errors[0].path).toBe('lines.0.quantity');
    const { rows } = await server.pool.query('select count(*)::int as n from shipment_lines where shipment_id = $1 and picked_at is not null', [shipment.id]);
    expect(rows[0].n).toBe(0);

    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`), 200);
    expect((await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pick`)).status).toBe(409);
  });

  it('needs the lines claimed first (409) and a signed-in person with fulfillment:work', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    // Not claimed: the shipment is not even being picked yet.
    expect((await picker.client.post(`/api/fulfillment/shipments/${shipment!.id}/pick`)).status).toBe(409);
    const planner = await server.tokenClient(['planner']);
    expect((await planner.post(`/api/fulfillment/shipments/${shipment!.id}/pick`)).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, outboxOf, pickAndPack, release, shipmentsOf, signedInUser, type ShipmentBody } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Near the customers of `orderBody` (Austin), then Dallas: sourcing prefers `near`. */
const AUSTIN = { lat: 30.3, lon: -97.7 };
const DALLAS = { lat: 32.78, lon: -96.8 };

/** A released order of 3 units from `near` (holding `nearStock`), with `far` holding `farStock` of the SKU. */
async function network(farStock: number, nearStock = 5) {
  const near = await createLocation(server.api, AUSTIN);
  const far = await createLocation(server.api, DALLAS);
  const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
  await addStock(server.api, product.sku, near.id, nearStock);
  if (farStock > 0) await addStock(server.api, product.sku, far.id, farStock);
  const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }]));
  await release(server);
  const [shipment] = await shipmentsOf(server, order.id);
  expect(shipment!.locationId).toBe(near.id);
  return { near, far, sku: product.sku, order, shipment: shipment! };
}

/** Claims the shipment's only line, picks 1 of its 3 units, packs and ships it. */
async function shipOneOfThree(shipment: ShipmentBody, sku: string) {
  const picker = await signedInUser(server, ['staff'], [shipment.locationId]);
  const line = shipment.lines[0]!;
  expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);
  expectStatus(await picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 1 }), 200);
  expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items: [{ sku, quantity: 1 }] }), 200);
  return expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/ship`), 200).body as ShipmentBody;
}

async function level(sku: string, locationId: string) {
  const { rows } = await server.pool.query('select on_hand, reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return { onHand: rows[0]?.on_hand ?? 0, reserved: rows[0]?.reserved ?? 0 };
}

async function openAllocations(orderId: string) {
  const { rows } = await server.pool.query(
    'select location_id, sum(quantity)::int as quantity from order_allocations where order_id = $1 and released_at is null group by location_id',
    [orderId],
  );
  return Object.fromEntries(rows.map((r) => [r.location_id, r.quantity]));
}

/** What one of the order's (single-line) units costs the customer, and the order's shipping. */
async function unitAndShippingCents(orderId: string) {
  const { rows } = await server.pool.query(
    `select ((l.quantity * l.unit_price_cents - l.discount_cents + l.tax_cents)::bigint / l.quantity)::int as unit, o.shipping_cents as shipping
     from order_lines l join orders o on o.id = l.order_id where l.order_id = $1`,
    [orderId],
  );
  return rows[0] as { unit: number; shipping: number };
}

async function payment(orderId: string) {
  const { rows } = await server.pool.query('select authorized_cents, captured_cents from payments where order_id = $1', [orderId]);
  return rows[0] as { authorized_cents: number; captured_cents: number };
}

describe('a short-picked shipment leaves', () => {
  it('the units not found are sent from another location; the order ships only when they do, and each shipment captures its own units', async () => {
    const { near, far, sku, order, shipment } = await network(5);

    const shipped = await shipOneOfThree(shipment, sku);

    const { unit, shipping } = await unitAndShippingCents(order.id);
    expect(shipped.capturedCents).toBe(unit + shipping);
    expect(await orderStatus(server, order.id)).toBe('picking');
    // Near, a warehouse, found 1 unit of 3 and sent it: the 2 not found are written off, its other 2 stay.
    expect(await level(sku, near.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 2 });
    expect(await openAllocations(order.id)).toEqual({ [far.id]: 2 });
    const [rerouted] = await outboxOf(server, order.id, 'order.rerouted');
    expect(rerouted!.payload).toMatchObject({ fromLocationId: near.id, toLocationIds: [far.id], reason: 'short_pick', units: 2, fromStatus: 'packed', orderStatus: 'picking' });
    expect((await outboxOf(server, order.id, 'order.shipped'))[0]!.payload.lines).toEqual([expect.objectContaining({ sku, quantity: 1 })]);

    await release(server);
    const [one, two] = await shipmentsOf(server, order.id);
    expect([one, two].map((s) => [s!.number, s!.locationId, s!.status, s!.lines.map((l) => l.quantity)])).toEqual([
      [1, near.id, 'shipped', [1]],
      [2, far.id, 'pending', [2]],
    ]);

    const picker = await signedInUser(server, ['staff'], [far.id]);
    await pickAndPack(picker.client, two!);
    expect(await orderStatus(server, order.id)).toBe('packed');
    const last = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${two!.id}/ship`), 200).body as ShipmentBody;
    expect(await orderStatus(server, order.id)).toBe('shipped');
    const pay = await payment(order.id);
    expect(pay.captured_cents).toBe(pay.authorized_cents);
    expect(last.capturedCents).toBe(pay.authorized_cents - shipped.capturedCents);
    expect(await level(sku, far.id)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('with no stock elsewhere the units not found are backordered, and sent when stock arrives', async () => {
    // Near holds only the order's 3: the 2 not found leave it with nothing for the backorder.
    const { near, far, sku, order, shipment } = await network(0, 3);

    const shipped = await shipOneOfThree(shipment, sku);

    const { unit, shipping } = await unitAndShippingCents(order.id);
    expect(shipped.capturedCents).toBe(unit + shipping);
    expect(await orderStatus(server, order.id)).toBe('picking');
    const { rows } = await server.pool.query('select backordered_quantity from order_lines where order_id = $1', [order.id]);
    expect(rows).toEqual([{ backordered_quantity: 2 }]);
    expect(await level(sku, near.id)).toEqual({ onHand: 0, reserved: 0 });
    const [rerouted] = await outboxOf(server, order.id, 'order.rerouted');
    expect(rerouted!.payload).toMatchObject({ reason: 'short_pick', moved: [], backordered: [{ lineIndex: 0, sku, quantity: 2 }] });

    await addStock(server.api, sku, far.id, 4);
    expect(await openAllocations(order.id)).toEqual({ [far.id]: 2 });
    await release(server);
    const two = (await shipmentsOf(server, order.id)).find((s) => s.number === 2)!;
    expect([two.locationId, two.status, two.lines.map((l) => l.quantity)]).toEqual([far.id, 'pending', [2]]);
    expect(await orderStatus(server, order.id)).toBe('picking');

    const picker = await signedInUser(server, ['staff'], [far.id]);
    await pickAndPack(picker.client, two);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${two.id}/ship`), 200);
    expect(await orderStatus(server, order.id)).toBe('shipped');
    const pay = await payment(order.id);
    expect(pay.captured_cents).toBe(pay.authorized_cents);
  });

  it('an order placed without coordinates has no decision to re-source from: the units not found are backordered', async () => {
    const near = await createLocation(server.api, AUSTIN);
    const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
    await addStock(server.api, product.sku, near.id, 5);
    const address = { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' };
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }], { shippingAddress: address }));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);

    await shipOneOfThree(shipment!, product.sku);

    expect(await orderStatus(server, order.id)).toBe('picking');
    const { rows } = await server.pool.query('select backordered_quantity from order_lines where order_id = $1', [order.id]);
    expect(rows).toEqual([{ backordered_quantity: 2 }]);
    expect(await level(product.sku, near.id)).toEqual({ onHand: 2, reserved: 0 });
    const [rerouted] = await outboxOf(server, order.id, 'order.rerouted');
    expect(rerouted!.payload).toMatchObject({ reason: 'short_pick', moved: [], backordered: [{ lineIndex: 0, sku: product.sku, quantity: 2 }], orderStatus: 'picking' });
  });
});

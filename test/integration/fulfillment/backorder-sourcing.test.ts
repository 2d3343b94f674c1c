import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, release, shipmentsOf } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Next to the customers of `orderBody` (Austin), and Dallas, about 300 km away. */
const AUSTIN = { lat: 30.3, lon: -97.7 };
const DALLAS = { lat: 32.78, lon: -96.8 };

/** A phone order (backorders allowed) of `quantity` units of a product no one stocks yet. */
async function backorderedOrder(quantity: number) {
  const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
  const placed = expectStatus(await placeOrder(server.api, orderBody([{ sku: product.sku, quantity }], { channel: 'phone' })), 201).body as { id: string; status: string };
  expect(placed.status).toBe('backordered');
  return { sku: product.sku, orderId: placed.id };
}

async function openAllocations(orderId: string) {
  const { rows } = await server.pool.query(
    'select location_id, sum(quantity)::int as quantity from order_allocations where order_id = $1 and released_at is null group by location_id',
    [orderId],
  );
  return Object.fromEntries(rows.map((r) => [r.location_id, r.quantity]));
}

async function sourcingOf(orderId: string) {
  return (expectStatus(await server.api.get(`/api/orders/${orderId}/sourcing`), 200).body as { decision: any }).decision;
}

describe('a backorder filled when stock arrives', () => {
  it('gives arriving units to the oldest waiting orders and stops where they run out; the next arrival goes on from there', async () => {
    const here = await createLocation(server.api, AUSTIN);
    const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const placed = expectStatus(await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'phone' })), 201).body as { id: string };
      ids.push(placed.id);
    }
    await addStock(server.api, product.sku, here.id, 2);
    expect(await Promise.all(ids.map((id) => orderStatus(server, id)))).toEqual(['allocated', 'allocated', 'backordered', 'backordered']);
    await addStock(server.api, product.sku, here.id, 1);
    expect(await Promise.all(ids.map((id) => orderStatus(server, id)))).toEqual(['allocated', 'allocated', 'allocated', 'backordered']);
    const { rows } = await server.pool.query('select reserved, on_hand from inventory_levels where sku = $1', [product.sku]);
    expect(rows).toEqual([{ reserved: 3, on_hand: 3 }]);
  });

  it('goes where the sourcing policy sends it: a cheaper warehouse farther away rather than the nearest', async () => {
    // Picking and packing at the nearest warehouse cost far more than the postage saved by its being near.
    const near = await createLocation(server.api, { ...AUSTIN, pickCostCents: 900, packCostCents: 900 });
    const cheap = await createLocation(server.api, { ...DALLAS, pickCostCents: 10, packCostCents: 10 });
    const { sku, orderId } = await backorderedOrder(2);
    // Both must hold stock when the backorder is filled: the near one receives while the order is held.
    expectStatus(await server.api.post(`/api/orders/${orderId}/hold`, { reason: 'customer called' }), 200);
    await addStock(server.api, sku, near.id, 5);
    expect(await openAllocations(orderId)).toEqual({});
    expectStatus(await server.api.post(`/api/orders/${orderId}/release`), 200);

    await addStock(server.api, sku, cheap.id, 5);

    expect(await orderStatus(server, orderId)).toBe('allocated');
    expect(await openAllocations(orderId)).toEqual({ [cheap.id]: 2 });
    const decision = await sourcingOf(orderId);
    expect(decision.shipments.map((s: any) => [s.locationId, s.units])).toEqual([[cheap.id, 2]]);
    expect(decision.shortByLine).toEqual({});
    expect(decision.log.summary).toMatch(/^Backorder of 2 unit\(s\) sourced when stock arrived; Ships from /);
    expect(decision.log.candidates.find((c: any) => c.locationId === near.id)).toMatchObject({ status: 'ranked', chosen: false });
    // The placement's decision (nothing available) is kept in the history.
    expect(decision.history.map((d: any) => d.log.strategy)).toEqual(['nothing_available']);
  });

  it('never goes to a location that rejected the order, and keeps the shipments that stand', async () => {
    const near = await createLocation(server.api, AUSTIN);
    const far = await createLocation(server.api, DALLAS);
    const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
    await addStock(server.api, product.sku, near.id, 3);
    const placed = expectStatus(await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }])), 201).body as { id: string };
    await release(server);
    const [shipment] = await shipmentsOf(server, placed.id);
    expectStatus(await server.api.post(`/api/fulfillment/shipments/${shipment!.id}/reject`, { reason: 'closure' }), 200);
    expect(await orderStatus(server, placed.id)).toBe('backordered');

    // The closed warehouse gets stock back: still closed for this order.
    await addStock(server.api, product.sku, near.id, 10);
    expect(await orderStatus(server, placed.id)).toBe('backordered');
    expect(await openAllocations(placed.id)).toEqual({});

    await addStock(server.api, product.sku, far.id, 3);
    expect(await orderStatus(server, placed.id)).toBe('allocated');
    expect(await openAllocations(placed.id)).toEqual({ [far.id]: 3 });
    const decision = await sourcingOf(placed.id);
    expect(decision.exclusions).toEqual([{ locationId: near.id, reason: expect.stringMatching(/^closure reported at/) }]);
    expect(decision.log.candidates.find((c: any) => c.locationId === near.id)).toMatchObject({ status: 'eliminated', reason: 'excluded' });
    expect(decision.history).toHaveLength(2);
    await release(server);
    expect((await shipmentsOf(server, placed.id)).map((s) => [s.number, s.locationId, s.status])).toEqual([
      [1, near.id, 'cancelled'],
      [2, far.id, 'pending'],
    ]);
  });

  it('fills part of it from what arrived and leaves the rest waiting, with the decision saying so', async () => {
    const here = await createLocation(server.api, AUSTIN);
    const { sku, orderId } = await backorderedOrder(3);
    await addStock(server.api, sku, here.id, 1);
    expect(await orderStatus(server, orderId)).toBe('backordered');
    expect(await openAllocations(orderId)).toEqual({ [here.id]: 1 });
    const { rows } = await server.pool.query('select backordered_quantity from order_lines where order_id = $1', [orderId]);
    expect(rows).toEqual([{ backordered_quantity: 2 }]);
    const decision = await sourcingOf(orderId);
    expect(decision.shortByLine).toEqual({ 0: 2 });
    expect(decision.log.short).toEqual([expect.objectContaining({ lineIndex: 0, sku, quantity: 2 })]);
  });
});

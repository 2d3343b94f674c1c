import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, outboxOf, pickAndPack, release, shipmentsOf, signedInUser, type ShipmentBody } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Near the customers of `orderBody` (Austin), then Dallas and Houston: sourcing prefers `near`. */
const AUSTIN = { lat: 30.3, lon: -97.7 };
const DALLAS = { lat: 32.78, lon: -96.8 };
const HOUSTON = { lat: 29.76, lon: -95.37 };

/** A released order of `quantity` units from `near`, with stock of the SKU at the other locations given. */
async function network(stock: { near: number; far?: number; other?: number }, quantity = 3, nearKind: 'warehouse' | 'store' = 'warehouse') {
  const near = await createLocation(server.api, { ...AUSTIN, kind: nearKind });
  const far = await createLocation(server.api, DALLAS);
  const other = await createLocation(server.api, HOUSTON);
  const product = await createProduct(server.api, { weightGrams: 500, priceCents: 4000 });
  await addStock(server.api, product.sku, near.id, stock.near);
  if (stock.far) await addStock(server.api, product.sku, far.id, stock.far);
  if (stock.other) await addStock(server.api, product.sku, other.id, stock.other);
  const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity }]));
  await release(server);
  const shipments = await shipmentsOf(server, order.id);
  expect(shipments.map((s) => [s.locationId, s.lines[0]!.quantity])).toEqual([[near.id, quantity]]);
  return { near, far, other, sku: product.sku, order, shipment: shipments[0]! };
}

async function level(sku: string, locationId: string) {
  const { rows } = await server.pool.query('select on_hand, reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return { onHand: rows[0]?.on_hand ?? 0, reserved: rows[0]?.reserved ?? 0 };
}

async function openAllocations(orderId: string) {
  const { rows } = await server.pool.query(
    'select location_id, sum(quantity)::int as quantity from order_allocations where order_id = $1 and released_at is null group by location_id order by location_id',
    [orderId],
  );
  return Object.fromEntries(rows.map((r) => [r.location_id, r.quantity]));
}

/** Ledger reserved and on-hand deltas of the order at a location, summed per reason. */
async function ledger(orderId: string, locationId: string) {
  const { rows } = await server.pool.query(
    `select reason::text, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved from inventory_ledger
     where order_id = $1 and location_id = $2 group by reason order by reason`,
    [orderId, locationId],
  );
  return Object.fromEntries(rows.map((r) => [r.reason, { onHand: r.on_hand, reserved: r.reserved }]));
}

function reject(client: TestServer['api'], shipment: ShipmentBody, body: unknown) {
  return client.post(`/api/fulfillment/shipments/${shipment.id}/reject`, body);
}

describe('a location rejects a shipment', () => {
  it('a short pick at the near warehouse corrects its on-hand and sends the missing units from the far one; the books agree', async () => {
    const { near, far, sku, order, shipment } = await network({ near: 5, far: 5 });

    const result = expectStatus(await reject(server.api, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 1 }] }), 200).body as any;

    expect(result).toMatchObject({ orderStatus: 'allocated', fromLocationId: near.id, reason: 'short_pick', moved: [{ lineIndex: 0, sku, locationId: far.id, quantity: 2 }], backordered: [] });
    expect(result.promisedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => [s.number, s.locationId, s.status, s.lines.map((l) => l.quantity)])).toEqual([
      [1, near.id, 'pending', [1]],
      [2, far.id, 'pending', [2]],
    ]);
    // Near, a warehouse: 1 unit found for this order, the 2 not found written off; its other 2 units stay.
    expect(await level(sku, near.id)).toEqual({ onHand: 3, reserved: 1 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 2 });
    expect(await openAllocations(order.id)).toEqual({ [near.id]: 1, [far.id]: 2 });
    expect(await ledger(order.id, near.id)).toEqual({ count: { onHand: -2, reserved: 0 }, release: { onHand: 0, reserved: -2 }, reservation: { onHand: 0, reserved: 3 } });
    expect(await ledger(order.id, far.id)).toEqual({ reservation: { onHand: 0, reserved: 2 } });

    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.log.reroute).toMatchObject({ rejectedLocationId: near.id, reason: 'short_pick', keptLocationIds: [near.id] });
    expect(sourcing.decision.adjustments).toEqual([{ locationId: near.id, sku, kind: 'set', units: 1, reason: 'short_pick' }]);
    expect(sourcing.decision.history).toHaveLength(1);
    expect(sourcing.decision.history[0].log.reroute).toBeNull();
    const [event] = await outboxOf(server, order.id, 'order.rerouted');
    expect(event!.payload).toMatchObject({ fromLocationId: near.id, toLocationIds: [far.id], reason: 'short_pick', units: 2 });
  });

  it('a short pick at a store counts its shelf down to what is still reserved there: a store keeps its units in one place', async () => {
    const { near, far, sku, order, shipment } = await network({ near: 5, far: 5 }, 3, 'store');

    expectStatus(await reject(server.api, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 1 }] }), 200);

    expect(await level(sku, near.id)).toEqual({ onHand: 1, reserved: 1 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 2 });
    expect(await ledger(order.id, near.id)).toMatchObject({ count: { onHand: -4, reserved: 0 } });
  });

  it('a warehouse never writes off units other orders still hold there', async () => {
    const { near, sku, order, shipment } = await network({ near: 4, far: 5 });
    const other = await placedOrder(server.api, orderBody([{ sku, quantity: 1 }]));
    expect(await level(sku, near.id)).toEqual({ onHand: 4, reserved: 4 });

    expectStatus(await reject(server.api, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 0 }] }), 200);

    // 3 not found, but 1 is still promised to the other order: on hand falls to it, not below.
    expect(await level(sku, near.id)).toEqual({ onHand: 1, reserved: 1 });
    expect(await ledger(order.id, near.id)).toMatchObject({ count: { onHand: -3, reserved: 0 } });
    expect(await openAllocations(other.id)).toEqual({ [near.id]: 1 });
  });

  it('damaged units leave on-hand (ledger damage) and the rest comes from elsewhere', async () => {
    const { near, far, sku, order, shipment } = await network({ near: 3, far: 5 });

    const result = expectStatus(await reject(server.api, shipment, { reason: 'damaged', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 1 }] }), 200).body as any;

    expect(result.moved).toEqual([{ lineIndex: 0, sku, locationId: far.id, quantity: 2 }]);
    expect(await level(sku, near.id)).toEqual({ onHand: 1, reserved: 1 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 2 });
    expect((await ledger(order.id, near.id)).damage).toEqual({ onHand: -2, reserved: 0 });
    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.adjustments).toEqual([{ locationId: near.id, sku, kind: 'reduce', units: 2, reason: 'damaged' }]);
  });

  it('a closure cancels the shipment, leaves on-hand alone and sends everything from the next location', async () => {
    const { near, far, sku, order, shipment } = await network({ near: 5, far: 5 });

    expectStatus(await reject(server.api, shipment, { reason: 'closure' }), 200);

    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => [s.locationId, s.status, s.lines.map((l) => l.quantity)])).toEqual([
      [near.id, 'cancelled', [3]],
      [far.id, 'pending', [3]],
    ]);
    expect(await level(sku, near.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 3 });
    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.exclusions).toEqual([{ locationId: near.id, reason: expect.stringMatching(/^closure reported at/) }]);
    expect(sourcing.decision.log.candidates.find((c: any) => c.locationId === near.id)).toMatchObject({ status: 'eliminated', reason: 'excluded' });
  });

  it('when nothing else holds the SKU, the units are backordered and the order with them', async () => {
    const { near, sku, order, shipment } = await network({ near: 5 });

    const result = expectStatus(await reject(server.api, shipment, { reason: 'capacity' }), 200).body as any;

    expect(result).toMatchObject({ orderStatus: 'backordered', moved: [], backordered: [{ lineIndex: 0, sku, quantity: 3 }] });
    expect(await orderStatus(server, order.id)).toBe('backordered');
    const { rows } = await server.pool.query('select backordered_quantity from order_lines where order_id = $1', [order.id]);
    expect(rows).toEqual([{ backordered_quantity: 3 }]);
    expect(await level(sku, near.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await openAllocations(order.id)).toEqual({});
    // The rerouted event says so; order.backordered would count the units as demand a second time.
    const [event] = await outboxOf(server, order.id, 'order.rerouted');
    expect(event!.payload).toMatchObject({ fromStatus: 'allocated', orderStatus: 'backordered', backordered: [{ lineIndex: 0, sku, quantity: 3 }] });
    expect(await outboxOf(server, order.id, 'order.backordered')).toEqual([]);
    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.shortByLine).toEqual({ 0: 3 });

    // Stock arriving elsewhere fills the backorder, and the release loop numbers on after the cancelled shipment.
    const far = await createLocation(server.api, DALLAS);
    await addStock(server.api, sku, far.id, 4);
    expect(await orderStatus(server, order.id)).toBe('allocated');
    await release(server);
    expect((await shipmentsOf(server, order.id)).map((s) => [s.number, s.locationId, s.status])).toEqual([
      [1, near.id, 'cancelled'],
      // Near said it has no capacity for this order: the backorder is not sent back there.
      [2, far.id, 'pending'],
    ]);
  });

  it('bad input names the field: lines required for a short pick, a line of another shipment, too many units', async () => {
    const { shipment } = await network({ near: 5, far: 5 });
    const other = await network({ near: 5, far: 5 });
    expect((await reject(server.api, shipment, { reason: 'short_pick' })).body).toMatchObject({ status: 422, errors: [{ path: 'lines' }] });
    expect((await reject(server.api, shipment, { reason: 'lost' })).body).toMatchObject({ status: 422, errors: [{ path: 'reason' }] });
    const foreign = await reject(server.api, shipment, { reason: 'damaged', lines: [{ shipmentLineId: other.shipment.lines[0]!.id, fulfillableQuantity: 0 }] });
    expect(foreign.body).toMatchObject({ status: 422, errors: [{ path: 'lines.0.shipmentLineId' }] });
    const tooMany = await reject(server.api, shipment, { reason: 'damaged', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 3 }] });
    expect(tooMany.body).toMatchObject({ status: 422, errors: [{ path: 'lines.0.fulfillableQuantity' }] });
  });

  it('staff of another location get a 403; a shipped shipment is a 409 and nothing changes', async () => {
    const { near, sku, order, shipment } = await network({ near: 5, far: 5 });
    const elsewhere = await signedInUser(server, ['staff'], [(await createLocation(server.api)).id]);
    expect((await reject(elsewhere.client, shipment, { reason: 'closure' })).status).toBe(403);

    const picker = await signedInUser(server, ['staff'], [near.id]);
    await pickAndPack(picker.client, shipment);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/ship`), 200);
    const before = await level(sku, near.id);
    const refused = await reject(picker.client, shipment, { reason: 'closure' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'invalid_transition' });
    expect(await level(sku, near.id)).toEqual(before);
    expect(await outboxOf(server, order.id, 'order.rerouted')).toEqual([]);
  });

  it('after a short pick is confirmed only the units not found can be handed back; the picked ones go on to packing', async () => {
    const { near, far, sku, order, shipment } = await network({ near: 5, far: 5 });
    const picker = await signedInUser(server, ['staff'], [near.id]);
    const line = shipment.lines[0]!;
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);
    expectStatus(await picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 1 }), 200);

    const tooMuch = await reject(picker.client, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: line.id, fulfillableQuantity: 0 }] });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.errors).toEqual([{ path: 'lines.0.fulfillableQuantity', message: 'must be at least 1, the units already picked' }]);
    expect((await reject(picker.client, shipment, { reason: 'closure' })).status).toBe(409);

    const result = expectStatus(await reject(picker.client, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: line.id, fulfillableQuantity: 1 }] }), 200).body as any;
    expect(result).toMatchObject({ orderStatus: 'picking', moved: [{ locationId: far.id, quantity: 2 }] });
    const [one, two] = await shipmentsOf(server, order.id);
    expect(one!.lines.map((l) => [l.quantity, l.pickedQuantity])).toEqual([[1, 1]]);
    expect(two!.locationId).toBe(far.id);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items: [{ sku, quantity: 1 }] }), 200);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment.id}/ship`), 200);
    // 5, less the 2 not found and the 1 shipped.
    expect(await level(sku, near.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('a second rejection replays the first: damage at the near warehouse, then the next one closes', async () => {
    const { near, far, other, sku, order, shipment } = await network({ near: 3, far: 5, other: 5 });
    const first = expectStatus(await reject(server.api, shipment, { reason: 'damaged', lines: [{ shipmentLineId: shipment.lines[0]!.id, fulfillableQuantity: 1 }] }), 200).body as any;
    const nextId: string = first.moved[0].locationId;
    const lastId = nextId === far.id ? other.id : far.id;
    const atNext = (await shipmentsOf(server, order.id)).find((s) => s.locationId === nextId)!;

    const result = expectStatus(await reject(server.api, atNext, { reason: 'closure' }), 200).body as any;

    expect(result.moved).toEqual([{ lineIndex: 0, sku, locationId: lastId, quantity: 2 }]);
    expect(await openAllocations(order.id)).toEqual({ [near.id]: 1, [lastId]: 2 });
    expect(await level(sku, nextId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await level(sku, near.id)).toEqual({ onHand: 1, reserved: 1 });
    const sourcing = expectStatus(await server.api.get(`/api/orders/${order.id}/sourcing`), 200).body as any;
    expect(sourcing.decision.history).toHaveLength(2);
    expect(sourcing.decision.adjustments).toHaveLength(1);
    expect(sourcing.decision.exclusions.map((e: any) => e.locationId)).toEqual([nextId]);
  });

  it('an order placed without coordinates has no sourcing decision: 409 and nothing changes', async () => {
    const near = await createLocation(server.api, AUSTIN);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, near.id, 5);
    const address = { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' };
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { shippingAddress: address }));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);

    const refused = await reject(server.api, shipment!, { reason: 'closure' });

    expect(refused.status).toBe(409);
    expect((await shipmentsOf(server, order.id)).map((s) => s.status)).toEqual(['pending']);
    expect(await level(product.sku, near.id)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('a held order keeps its hold: a rejection of its shipment is a 409 invalid_transition', async () => {
    const { near, sku, order, shipment } = await network({ near: 5, far: 5 });
    expectStatus(await server.api.post(`/api/orders/${order.id}/hold`, { reason: 'fraud check' }), 200);

    const refused = await reject(server.api, shipment, { reason: 'closure' });

    expect(refused.body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect(await orderStatus(server, order.id)).toBe('on_hold');
    expect(await level(sku, near.id)).toEqual({ onHand: 5, reserved: 3 });
  });

  it('a rejection and a pick of the same line at once: exactly one succeeds', async () => {
    for (let round = 0; round < 4; round++) {
      const { near, far, sku, order, shipment } = await network({ near: 5, far: 5 }, 2);
      const picker = await signedInUser(server, ['staff'], [near.id]);
      const line = shipment.lines[0]!;
      expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);

      const [picked, rejected] = await Promise.all([
        picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 2 }),
        reject(picker.client, shipment, { reason: 'short_pick', lines: [{ shipmentLineId: line.id, fulfillableQuantity: 0 }] }),
      ]);

      expect([picked.status, rejected.status].sort()).toEqual([200, 409]);
      const nearLevel = await level(sku, near.id);
      const farLevel = await level(sku, far.id);
      if (picked.status === 200) {
        expect(nearLevel.reserved).toBe(2);
        expect(farLevel.reserved).toBe(0);
      } else {
        expect(nearLevel.reserved).toBe(0);
        expect(farLevel.reserved).toBe(2);
        expect((await shipmentsOf(server, order.id)).map((s) => s.status)).toEqual(['cancelled', 'pending']);
      }
    }
  });
});

describe('a manager reroutes an order by hand', () => {
  it('takes the units off a location to a chosen one, through the same machinery', async () => {
    const { near, far, other, sku, order } = await network({ near: 5, far: 5, other: 5 });

    const result = expectStatus(await server.api.post(`/api/orders/${order.id}/reroute`, { fromLocationId: near.id, toLocationId: other.id }), 200).body as any;

    expect(result).toMatchObject({ reason: 'manager_reroute', moved: [{ locationId: other.id, quantity: 3 }] });
    expect((await shipmentsOf(server, order.id)).map((s) => [s.locationId, s.status])).toEqual([
      [near.id, 'cancelled'],
      [other.id, 'pending'],
    ]);
    expect(await level(sku, near.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await level(sku, other.id)).toEqual({ onHand: 5, reserved: 3 });
    expect(await level(sku, far.id)).toEqual({ onHand: 5, reserved: 0 });
    const [event] = await outboxOf(server, order.id, 'order.rerouted');
    expect(event!.payload).toMatchObject({ fromLocationId: near.id, toLocationIds: [other.id], reason: 'manager_reroute', units: 3 });
  });

  it('without a target the engine picks the next best; a shipment already picking is a 409; a target without stock is a 409 naming it', async () => {
    const { near, far, order, shipment } = await network({ near: 5, far: 5 });
    const empty = await createLocation(server.api, HOUSTON);
    const noStock = await server.api.post(`/api/orders/${order.id}/reroute`, { fromLocationId: near.id, toLocationId: empty.id });
    expect(noStock.status).toBe(409);
    expect(noStock.body.errors).toEqual([{ path: 'toLocationId', message: expect.any(String) }]);

    const other = await network({ near: 5, far: 5 });
    const picker = await signedInUser(server, ['staff'], [other.near.id]);
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [other.shipment.lines[0]!.id] }), 200);
    expect((await server.api.post(`/api/orders/${other.order.id}/reroute`, { fromLocationId: other.near.id })).status).toBe(409);

    const result = expectStatus(await server.api.post(`/api/orders/${order.id}/reroute`, { fromLocationId: near.id }), 200).body as any;
    expect(result.moved).toEqual([expect.objectContaining({ locationId: far.id, quantity: 3 })]);
    expect((await shipmentsOf(server, order.id)).find((s) => s.id === shipment.id)!.status).toBe('cancelled');
  });
});

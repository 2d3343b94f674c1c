import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const HOUSTON = { lat: 29.76, lon: -95.37 };

function ship(client: TestServer['api'], shipment: ShipmentBody) {
  return client.post(`/api/fulfillment/shipments/${shipment.id}/ship`);
}

async function backorderedUnits(orderId: string): Promise<number> {
  const { rows } = await server.pool.query('select coalesce(sum(backordered_quantity), 0)::int as units from order_lines where order_id = $1', [orderId]);
  return rows[0].units as number;
}

async function reservedAt(sku: string, locationId: string): Promise<number> {
  const { rows } = await server.pool.query('select reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return (rows[0]?.reserved as number | undefined) ?? 0;
}

describe('units allocated after an order was released', () => {
  it('a backorder filled while the order is being picked gets its own shipment, and the order is shipped only once it has left', async () => {
    const { order, first, second, tee, mug } = await splitOrder(server);
    await release(server);
    const [teeShipment, mugShipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server, ['staff']);
    await pickAndPack(picker.client, teeShipment!);
    expect(await orderStatus(server, order.id)).toBe('picking');

    // The mug's warehouse closes and nothing else stocks mugs: the mug waits, the tees go on.
    const rejected = expectStatus(await server.api.post(`/api/fulfillment/shipments/${mugShipment!.id}/reject`, { reason: 'closure' }), 200).body as any;
    expect(rejected).toMatchObject({ orderStatus: 'picking', backordered: [{ lineIndex: 1, sku: mug.sku, quantity: 1 }] });
    expectStatus(await ship(picker.client, teeShipment!), 200);
    expect(await orderStatus(server, order.id)).toBe('picking');

    const third = await createLocation(server.api, HOUSTON);
    await addStock(server.api, mug.sku, third.id, 2);
    expect(await backorderedUnits(order.id)).toBe(0);
    expect(await reservedAt(mug.sku, third.id)).toBe(1);
    await release(server);
    await release(server);

    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => [s.number, s.locationId, s.status, s.lines.map((l) => [l.sku, l.quantity])])).toEqual([
      [1, first.id, 'shipped', [[tee.sku, 3]]],
      [2, second.id, 'cancelled', [[mug.sku, 1]]],
      [3, third.id, 'pending', [[mug.sku, 1]]],
    ]);
    await pickAndPack(picker.client, shipments[2]!);
    expect(await orderStatus(server, order.id)).toBe('packed');
    expectStatus(await ship(picker.client, shipments[2]!), 200);
    expect(await orderStatus(server, order.id)).toBe('shipped');
    expect(await reservedAt(mug.sku, third.id)).toBe(0);
  });

  it('a backordered order that keeps a pending shipment has its filled backorder released beside it, once', async () => {
    const { order, first, second, mug } = await splitOrder(server);
    await release(server);
    const [, mugShipment] = await shipmentsOf(server, order.id);
    expectStatus(await server.api.post(`/api/fulfillment/shipments/${mugShipment!.id}/reject`, { reason: 'capacity' }), 200);
    expect(await orderStatus(server, order.id)).toBe('backordered');

    const third = await createLocation(server.api, HOUSTON);
    await addStock(server.api, mug.sku, third.id, 1);
    expect(await orderStatus(server, order.id)).toBe('allocated');
    // Several releases at once: the backorder's shipment is made once (releases of other tests' orders may run too).
    await Promise.all([release(server), release(server), release(server), release(server)]);

    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => [s.number, s.locationId, s.status])).toEqual([
      [1, first.id, 'pending'],
      [2, second.id, 'cancelled'],
      [3, third.id, 'pending'],
    ]);
    const picker = await signedInUser(server, ['staff']);
    for (const s of [shipments[0]!, shipments[2]!]) {
      await pickAndPack(picker.client, s);
      expectStatus(await ship(picker.client, s), 200);
    }
    expect(await orderStatus(server, order.id)).toBe('shipped');
  });

  it('a shipment that leaves takes only its own units: a later allocation at the same location waits for its release', async () => {
    const { order, first, tee } = await splitOrder(server);
    await release(server);
    const [teeShipment] = await shipmentsOf(server, order.id);
    // Two more tees for the order at the same warehouse, allocated as a backorder fill would, before the release loop ran.
    const { rows } = await server.pool.query('select id from order_lines where order_id = $1 and sku = $2', [order.id, tee.sku]);
    await server.pool.query('update inventory_levels set reserved = reserved + 2 where sku = $1 and location_id = $2', [tee.sku, first.id]);
    await server.pool.query('insert into order_allocations (order_id, order_line_id, sku, location_id, quantity) values ($1, $2, $3, $4, 2)', [
      order.id,
      rows[0].id,
      tee.sku,
      first.id,
    ]);
    const picker = await signedInUser(server, ['staff']);
    await pickAndPack(picker.client, teeShipment!);
    expectStatus(await ship(picker.client, teeShipment!), 200);

    const { rows: open } = await server.pool.query(
      'select sum(quantity)::int as quantity from order_allocations where order_id = $1 and location_id = $2 and released_at is null',
      [order.id, first.id],
    );
    expect(open[0].quantity).toBe(2);
    expect(await reservedAt(tee.sku, first.id)).toBe(2);
    await release(server);
    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.filter((s) => s.locationId === first.id).map((s) => [s.number, s.status, s.lines.map((l) => l.quantity)])).toEqual([
      [1, 'shipped', [3]],
      [3, 'pending', [2]],
    ]);
  });
});

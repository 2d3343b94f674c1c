import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { outboxOf, release, shipmentsOf, signedInUser, splitOrder } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function shipmentRow(id: string) {
  const { rows } = await server.pool.query(
    'select status::text, updated_at, pick_pack_cost_cents, packaging_cost_cents, label_cost_cents from shipments where id = $1',
    [id],
  );
  return rows[0] as { status: string; updated_at: Date; pick_pack_cost_cents: number; packaging_cost_cents: number; label_cost_cents: number };
}

async function placedAt(orderId: string): Promise<string> {
  const { rows } = await server.pool.query('select placed_at from orders where id = $1', [orderId]);
  return (rows[0].placed_at as Date).toISOString();
}

const destination = { country: 'US', region: 'TX', postalCode: '73301' };

describe('fulfillment progress events', () => {
  it('order.picking_started is written once per shipment, with the claim, saying where, who, what and at what labor cost', async () => {
    const { order, first, tee } = await splitOrder(server);
    await release(server);
    const [teeShipment, mugShipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server, ['staff']);

    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: teeShipment!.lines.map((l) => l.id) }), 200);
    // Claiming the same lines again starts nothing new.
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: teeShipment!.lines.map((l) => l.id) }), 200);

    const events = await outboxOf(server, order.id, 'order.picking_started');
    expect(events).toHaveLength(1);
    const row = await shipmentRow(teeShipment!.id);
    expect(row.status).toBe('picking');
    expect(events[0]!.occurred_at).toEqual(row.updated_at);
    expect(events[0]!.payload).toEqual({
      channel: 'web',
      destination,
      shipmentId: teeShipment!.id,
      shipmentNumber: 1,
      locationId: first.id,
      carrier: teeShipment!.carrier,
      service: 'standard',
      placedAt: await placedAt(order.id),
      promisedAt: teeShipment!.promisedAt,
      pickerId: picker.id,
      lines: [{ sku: tee.sku, category: 'apparel', quantity: 3 }],
      pickPackCostCents: 3 * 30 + 100,
    });

    // A claim refused (another picker holds the line) writes nothing.
    const other = await signedInUser(server, ['staff']);
    expect((await other.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [teeShipment!.lines[0]!.id, mugShipment!.lines[0]!.id] })).status).toBe(409);
    expect(await outboxOf(server, order.id, 'order.picking_started')).toHaveLength(1);
    expect((await shipmentRow(mugShipment!.id)).status).toBe('pending');
  });

  it('order.packed is written with the packing, with the packages and the costs known once packed', async () => {
    const { order, second, mug } = await splitOrder(server);
    await release(server);
    const [, mugShipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server, ['staff']);
    const line = mugShipment!.lines[0]!;
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);
    expectStatus(await picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 1 }), 200);

    // Scans that do not match change nothing, and say nothing.
    expect((await picker.client.post(`/api/fulfillment/shipments/${mugShipment!.id}/pack`, { items: [{ sku: mug.sku, quantity: 2 }] })).status).toBe(422);
    expect(await outboxOf(server, order.id, 'order.packed')).toEqual([]);

    const packed = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${mugShipment!.id}/pack`, { items: [{ sku: mug.sku, quantity: 1 }] }), 200).body as any;

    const events = await outboxOf(server, order.id, 'order.packed');
    expect(events).toHaveLength(1);
    const row = await shipmentRow(mugShipment!.id);
    expect(row.status).toBe('packed');
    expect(events[0]!.occurred_at).toEqual(row.updated_at);
    expect(row.packaging_cost_cents).toBeGreaterThan(0);
    expect(row.label_cost_cents).toBeGreaterThan(0);
    expect(events[0]!.payload).toEqual({
      channel: 'web',
      destination,
      shipmentId: mugShipment!.id,
      shipmentNumber: 2,
      locationId: second.id,
      carrier: mugShipment!.carrier,
      service: 'standard',
      placedAt: await placedAt(order.id),
      promisedAt: mugShipment!.promisedAt,
      packages: packed.packages.map((p: any) => ({ trackingNumber: p.trackingNumber, weightGrams: p.weightGrams })),
      lines: [{ sku: mug.sku, category: 'kitchen', quantity: 1 }],
      pickPackCostCents: 1 * 50 + 150,
      packagingCostCents: row.packaging_cost_cents,
      labelCostCents: row.label_cost_cents,
    });
  });
});

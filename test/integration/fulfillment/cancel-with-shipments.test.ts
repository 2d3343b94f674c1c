import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, pickAndPack, release, shipmentsOf, signedInUser, splitOrder } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function reservedAt(sku: string, locationId: string): Promise<number> {
  const { rows } = await server.pool.query('select reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return rows[0].reserved as number;
}

describe('cancelling an order that is already on the floor', () => {
  it('cancels its pending and packed shipments, ends pick claims and releases the stock', async () => {
    const { order, first, second, tee, mug } = await splitOrder(server);
    await release(server);
    const [one] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    await pickAndPack(picker.client, one!);

    expectStatus(await server.api.post(`/api/orders/${order.id}/cancel`, { reason: 'customer changed their mind' }), 200);
    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(shipments.flatMap((s) => s.lines.map((l) => l.pickerId))).toEqual([null, null]);
    expect(await reservedAt(tee.sku, first.id)).toBe(0);
    expect(await reservedAt(mug.sku, second.id)).toBe(0);
    // Nothing is left to work on: the packed shipment cannot be handed to the carrier.
    expect((await picker.client.post(`/api/fulfillment/shipments/${one!.id}/ship`)).status).toBe(409);
  });

  it('is a 409 once one of its shipments has left, and changes nothing', async () => {
    const { order, tee, first } = await splitOrder(server);
    await release(server);
    const [one, two] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    await pickAndPack(picker.client, one!);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${one!.id}/ship`), 200);
    const { rows: before } = await server.pool.query('select captured_cents, refunded_cents, status from payments where order_id = $1', [order.id]);

    const refused = await server.api.post(`/api/orders/${order.id}/cancel`, { reason: 'too late' });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('invalid_transition');
    expect(await orderStatus(server, order.id)).not.toBe('cancelled');
    expect((await shipmentsOf(server, order.id)).map((s) => s.status)).toEqual(['shipped', two!.status]);
    const { rows: after } = await server.pool.query('select captured_cents, refunded_cents, status from payments where order_id = $1', [order.id]);
    expect(after).toEqual(before);
    expect(await reservedAt(tee.sku, first.id)).toBe(0);
  });
});

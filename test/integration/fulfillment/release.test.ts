import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseLoop } from '#server/fulfillment/release-loop.ts';
import { releaseOrders } from '#server/fulfillment/release-orders.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { deliveryDay, shipDay } from '#server/sourcing/promise-dates.ts';
import { createLogger } from '#server/logger.ts';
import { systemClock } from '#server/core/clock.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, release, shipmentsOf, splitOrder } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('releasing allocated orders to fulfillment', () => {
  it('creates one shipment per location, numbered by units, with a line per order line × location, costs and promise', async () => {
    const { order, first, second, tee, mug } = await splitOrder(server);
    await release(server);

    const shipments = await shipmentsOf(server, order.id);
    expect(shipments.map((s) => [s.number, s.locationId, s.status])).toEqual([
      [1, first.id, 'pending'],
      [2, second.id, 'pending'],
    ]);
    expect(shipments[0]!.lines.map((l) => [l.sku, l.quantity])).toEqual([[tee.sku, 3]]);
    expect(shipments[1]!.lines.map((l) => [l.sku, l.quantity])).toEqual([[mug.sku, 1]]);
    // Pick per unit + pack per shipment, from the locations' cost columns.
    expect(shipments.map((s) => s.pickPackCostCents)).toEqual([3 * 30 + 100, 1 * 50 + 150]);
    expect(shipments.map((s) => s.carrier)).toEqual(['regional-parcel', 'regional-parcel']);
    // Dallas → Austin (~290 km): the regional carrier's zone 2, one business day after the warehouse's ship day, by the day's end.
    const placed = await server.pool.query('select placed_at from orders where id = $1', [order.id]);
    const shipOn = shipDay(new Date(placed.rows[0].placed_at).getTime(), defaultSourcingPolicy.handling.warehouse);
    expect(shipments[0]!.promisedAt).toBe(new Date((deliveryDay(shipOn, 1) + 1) * 86_400_000 - 1).toISOString());
    expect(await orderStatus(server, order.id)).toBe('allocated');
  });

  it('with withShipments, answers with the new shipments as the listing shows them; without, with the counts only', async () => {
    const { order } = await splitOrder(server);
    const response = await server.api.post('/api/fulfillment/release', { limit: 10_000, withShipments: true });
    expect(response.status).toBe(200);
    const listed = await shipmentsOf(server, order.id);
    const ours = (response.body.releasedShipments as { orderId: string }[]).filter((s) => s.orderId === order.id);
    expect(ours).toEqual(listed);
    expect(response.body.releasedShipments).toHaveLength(response.body.shipments);

    await splitOrder(server);
    const counts = await server.api.post('/api/fulfillment/release', {});
    expect(Object.keys(counts.body).sort()).toEqual(['orders', 'shipments']);
  });

  it('never creates shipments twice, even with several releases running at once', async () => {
    const { product } = await stockedProduct(server.api, 50);
    const orders = await Promise.all(Array.from({ length: 8 }, () => placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]))));

    await Promise.all(Array.from({ length: 4 }, () => releaseOrders({ db: server.db, clock: systemClock, sourcingPolicy: defaultSourcingPolicy }, { limit: 3 })));
    await release(server);
    await release(server);

    const { rows } = await server.pool.query('select order_id, count(*)::int as n, max(number) as max from shipments where order_id = any($1::uuid[]) group by order_id', [
      orders.map((o) => o.id),
    ]);
    expect(rows).toHaveLength(8);
    for (const row of rows) expect([row.n, row.max]).toEqual([1, 1]);
  });

  it('runs on an interval until stopped', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const loop = startReleaseLoop({ db: server.db, clock: systemClock, logger: createLogger('silent'), sourcingPolicy: defaultSourcingPolicy }, { intervalMs: 20, batchSize: 50 });
    try {
      await expect.poll(async () => (await shipmentsOf(server, order.id)).length, { timeout: 10_000 }).toBe(1);
    } finally {
      await loop.stop();
    }
  });

  it('leaves orders that are not allocated alone (a held order is not released)', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    await server.api.post(`/api/orders/${order.id}/hold`, {});
    await release(server);
    expect(await shipmentsOf(server, order.id)).toEqual([]);
  });
});

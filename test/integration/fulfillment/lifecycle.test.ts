import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOrderEventRow } from '#analytics/relay/event-row.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { startWebhookApp } from './carrier-webhook-app.ts';
import { orderStatus, outboxOf, pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

let server: TestServer;
let carriers: Awaited<ReturnType<typeof startWebhookApp>>;
beforeAll(async () => {
  server = await startTestServer();
  carriers = await startWebhookApp(server);
});
afterAll(async () => {
  await carriers.close();
  await server.close();
});

const scan = (trackingNumber: string, status: string, occurredAt: string, eventId = randomUUID()) => ({ eventId, trackingNumber, status, occurredAt });

/** A split order, released, picked, packed and shipped from both locations. */
async function shippedSplitOrder() {
  const split = await splitOrder(server);
  await release(server);
  const picker = await signedInUser(server);
  const shipments: ShipmentBody[] = [];
  for (const s of await shipmentsOf(server, split.order.id)) {
    await pickAndPack(picker.client, s);
    shipments.push(expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/ship`), 200).body as ShipmentBody);
  }
  return { ...split, shipments };
}

describe('a split order from two locations, placed to delivered', () => {
  it('goes through every step with its events and captured amounts', async () => {
    const { order, first, second, tee, mug } = await splitOrder(server);
    expect(await orderStatus(server, order.id)).toBe('allocated');
    await release(server);
    const [one, two] = await shipmentsOf(server, order.id);
    const [ann, bob] = [await signedInUser(server, ['staff'], [first.id]), await signedInUser(server, ['staff'], [second.id])];

    // Staff work only their own location.
    expect((await ann.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [two!.lines[0]!.id] })).status).toBe(403);
    await pickAndPack(ann.client, one!);
    expect(await orderStatus(server, order.id)).toBe('picking');
    await pickAndPack(bob.client, two!);
    expect(await orderStatus(server, order.id)).toBe('packed');

    expect((await bob.client.post(`/api/fulfillment/shipments/${one!.id}/ship`)).status).toBe(403);
    const shippedOne = expectStatus(await ann.client.post(`/api/fulfillment/shipments/${one!.id}/ship`), 200).body as ShipmentBody;
    expect(await orderStatus(server, order.id)).toBe('packed');
    const shippedTwo = expectStatus(await bob.client.post(`/api/fulfillment/shipments/${two!.id}/ship`), 200).body as ShipmentBody;
    expect(await orderStatus(server, order.id)).toBe('shipped');

    const { rows: pay } = await server.pool.query('select authorized_cents, captured_cents from payments where order_id = $1', [order.id]);
    expect(shippedOne.capturedCents + shippedTwo.capturedCents).toBe(pay[0].authorized_cents);
    expect(pay[0].captured_cents).toBe(pay[0].authorized_cents);
    expect(shippedOne.capturedCents).toBeGreaterThan(shippedTwo.capturedCents);

    const trackingOne = shippedOne.packages[0]!.trackingNumber;
    const trackingTwo = shippedTwo.packages[0]!.trackingNumber;
    expectStatus(await carriers.post('regional-parcel', scan(trackingOne, 'in_transit', '2030-01-01T10:00:00Z')), 200);
    const deliveredTwo = await carriers.post('regional-parcel', scan(trackingTwo, 'delivered', '2030-01-02T15:00:00Z'));
    expect(deliveredTwo.body).toEqual({ duplicate: false, applied: true, packageStatus: 'delivered', shipmentStatus: 'delivered' });
    expect(await orderStatus(server, order.id)).toBe('shipped');
    const deliveredOne = await carriers.post('regional-parcel', scan(trackingOne, 'delivered', '2030-01-03T09:00:00Z'));
    expect(deliveredOne.body.shipmentStatus).toBe('delivered');
    expect(await orderStatus(server, order.id)).toBe('delivered');

    const shipped = await outboxOf(server, order.id, 'order.shipped');
    expect(shipped.map((e) => [e.payload.shipmentNumber, e.payload.locationId, e.payload.lines])).toEqual([
      [1, first.id, [{ sku: tee.sku, category: 'apparel', quantity: 3 }]],
      [2, second.id, [{ sku: mug.sku, category: 'kitchen', quantity: 1 }]],
    ]);
    const delivered = await outboxOf(server, order.id, 'order.delivered');
    const placedAt = shipped[0]!.payload.placedAt;
    expect(delivered.map((e) => e.payload)).toEqual([
      {
        channel: 'web',
        destination: { country: 'US', region: 'TX', postalCode: '73301' },
        shipmentId: two!.id,
        locationId: second.id,
        carrier: 'regional-parcel',
        placedAt,
        promisedAt: two!.promisedAt,
        deliveredAt: '2030-01-02T15:00:00.000Z',
        lines: [{ sku: mug.sku, category: 'kitchen', quantity: 1 }],
      },
      {
        channel: 'web',
        destination: { country: 'US', region: 'TX', postalCode: '73301' },
        shipmentId: one!.id,
        locationId: first.id,
        carrier: 'regional-parcel',
        placedAt,
        promisedAt: one!.promisedAt,
        deliveredAt: '2030-01-03T09:00:00.000Z',
        lines: [{ sku: tee.sku, category: 'apparel', quantity: 3 }],
      },
    ]);
    // What the relay makes of them: the fulfillment columns the KPIs read.
    const { rows: outbox } = await server.pool.query(
      `select id::int, event_id as "eventId", type, aggregate_type as "aggregateType", aggregate_id as "aggregateId", occurred_at as "occurredAt", payload
       from outbox where aggregate_id = $1 and type in ('order.shipped', 'order.delivered') order by id`,
      [order.id],
    );
    const columns = outbox.map((e) => {
      const row = toOrderEventRow(e);
      return [row['type'], row['status'], row['carrier'], row['shipment_number'], row['packages'], row['units'], row['region'], row['pick_pack_cost_cents'], row['delivered_at']];
    });
    expect(columns).toEqual([
      ['order.shipped', 'shipped', 'regional-parcel', 1, 1, 3, 'TX', 3 * 30 + 100, null],
      ['order.shipped', 'shipped', 'regional-parcel', 2, 1, 1, 'TX', 1 * 50 + 150, null],
      ['order.delivered', 'delivered', 'regional-parcel', 0, 0, 1, 'TX', 0, '2030-01-02 15:00:00.000'],
      ['order.delivered', 'delivered', 'regional-parcel', 0, 0, 3, 'TX', 0, '2030-01-03 09:00:00.000'],
    ]);
    const captured = await outboxOf(server, order.id, 'payment.captured');
    expect(captured.map((e) => e.payload.amountCents)).toEqual([shippedOne.capturedCents, shippedTwo.capturedCents]);
  });
});

describe('carrier tracking webhooks', () => {
  it('refuse a bad or missing signature with 401 and record nothing', async () => {
    const { shipments } = await shippedSplitOrder();
    const body = scan(shipments[0]!.packages[0]!.trackingNumber, 'delivered', '2030-01-01T10:00:00Z');
    const bad = await carriers.post('regional-parcel', body, 'sha256=' + '0'.repeat(64));
    expect(bad).toMatchObject({ status: 401, body: { type: 'unauthorized' } });
    const response = await fetch(`${carriers.url}/api/carriers/regional-parcel/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(401);
    const { rows } = await server.pool.query('select count(*)::int as n from carrier_events where carrier_event_id = $1', [body.eventId]);
    expect(rows[0].n).toBe(0);
  });

  it('are closed (503 naming the setting) on a server with no webhook secret', async () => {
    const response = await server.anonymous.post('/api/carriers/regional-parcel/events', scan('X', 'delivered', '2030-01-01T10:00:00Z'));
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(/CARRIER_WEBHOOK_SECRET/);
  });

  it('acknowledge a duplicate and change nothing; an older scan after a newer one is recorded but does not move the package back', async () => {
    const { order, shipments } = await shippedSplitOrder();
    const tracking = shipments[0]!.packages[0]!.trackingNumber;
    const outForDelivery = scan(tracking, 'out_for_delivery', '2030-01-02T08:00:00Z');
    expect((await carriers.post('regional-parcel', outForDelivery)).body).toMatchObject({ duplicate: false, applied: true, packageStatus: 'out_for_delivery' });
    const again = await carriers.post('regional-parcel', outForDelivery);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, applied: false } });

    const older = await carriers.post('regional-parcel', scan(tracking, 'in_transit', '2030-01-01T08:00:00Z'));
    expect(older.body).toEqual({ duplicate: false, applied: false, packageStatus: 'out_for_delivery', shipmentStatus: 'shipped' });
    const { rows } = await server.pool.query(
      'select status, applied from carrier_events where tracking_number = $1 order by occurred_at',
      [tracking],
    );
    expect(rows).toEqual([
      { status: 'in_transit', applied: false },
      { status: 'out_for_delivery', applied: true },
    ]);
    expect((await shipmentsOf(server, order.id))[0]!.packages[0]!.status).toBe('out_for_delivery');
  });

  it('move the shipment to exception and back, and to returned_to_sender; the order is returned when all its shipments are', async () => {
    const { order, shipments } = await shippedSplitOrder();
    const [a, b] = shipments.map((s) => s.packages[0]!.trackingNumber);
    expect((await carriers.post('regional-parcel', scan(a!, 'exception', '2030-01-02T08:00:00Z'))).body.shipmentStatus).toBe('exception');
    expect((await carriers.post('regional-parcel', scan(a!, 'in_transit', '2030-01-02T09:00:00Z'))).body.shipmentStatus).toBe('shipped');
    expect((await carriers.post('regional-parcel', scan(a!, 'returned_to_sender', '2030-01-03T09:00:00Z'))).body.shipmentStatus).toBe('returned_to_sender');
    expect(await orderStatus(server, order.id)).toBe('shipped');
    expect((await carriers.post('regional-parcel', scan(b!, 'returned_to_sender', '2030-01-03T09:00:00Z'))).body.shipmentStatus).toBe('returned_to_sender');
    expect(await orderStatus(server, order.id)).toBe('returned');
    // A delivered scan after the return is recorded; the returned shipment stays returned.
    expect((await carriers.post('regional-parcel', scan(a!, 'delivered', '2030-01-04T09:00:00Z'))).body).toMatchObject({ applied: true, shipmentStatus: 'returned_to_sender' });
    expect(await outboxOf(server, order.id, 'order.delivered')).toEqual([]);
  });

  it('record a delivery sent twice at once only once', async () => {
    const { order, shipments } = await shippedSplitOrder();
    const body = scan(shipments[1]!.packages[0]!.trackingNumber, 'delivered', '2030-01-02T08:00:00Z');
    const answers = await Promise.all([carriers.post('regional-parcel', body), carriers.post('regional-parcel', body), carriers.post('regional-parcel', body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.duplicate).sort()).toEqual([false, true, true]);
    expect(await outboxOf(server, order.id, 'order.delivered')).toHaveLength(1);
  });

  it('answer 404 for a tracking number the carrier does not have with us, and 422 naming bad fields', async () => {
    expect((await carriers.post('regional-parcel', scan('NA0000000000000000', 'delivered', '2030-01-01T10:00:00Z'))).status).toBe(404);
    const bad = await carriers.post('regional-parcel', { eventId: 'e1', trackingNumber: 'X', status: 'lost', occurredAt: 'yesterday' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['occurredAt', 'status']);
  });
});

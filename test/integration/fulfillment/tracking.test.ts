import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { startWebhookApp } from './carrier-webhook-app.ts';
import { pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

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

describe('public tracking', () => {
  it("shows the order's status, timeline and packages to whoever has its number and email, and nothing else", async () => {
    const email = `${randomUUID().slice(0, 8)}-Track@Example.com`;
    const { order, first, second } = await splitOrder(server, { customer: { email, name: 'Grace Hopper' } });
    await release(server);
    const picker = await signedInUser(server);
    const shipped: ShipmentBody[] = [];
    for (const s of await shipmentsOf(server, order.id)) {
      await pickAndPack(picker.client, s);
      shipped.push(expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/ship`), 200).body as ShipmentBody);
    }
    const tracking = shipped[0]!.packages[0]!.trackingNumber;
    expectStatus(await carriers.post('regional-parcel', { eventId: randomUUID(), trackingNumber: tracking, status: 'in_transit', occurredAt: new Date(Date.now() + 60_000).toISOString() }), 200);

    const response = await server.anonymous.get(`/api/track/${order.number}?email=${encodeURIComponent(email.toLowerCase())}`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['events', 'number', 'packages', 'status']);
    expect(response.body).toMatchObject({ number: order.number, status: 'shipped' });
    expect(response.body.events.map((e: any) => e.type)).toEqual([
      'order.placed',
      'order.allocated',
      'order.picking_started',
      'order.packed',
      'order.shipped',
      'order.picking_started',
      'order.packed',
      'order.shipped',
      'package.in_transit',
    ]);
    expect(response.body.events.every((e: any) => Object.keys(e).sort().join() === 'at,type')).toBe(true);
    expect(response.body.packages).toEqual([
      { trackingNumber: tracking, carrier: 'regional-parcel', status: 'in_transit' },
      { trackingNumber: shipped[1]!.packages[0]!.trackingNumber, carrier: 'regional-parcel', status: 'label_created' },
    ]);
    // Nothing internal either: the picker, the locations, the costs of picking and packing.
    expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`Grace|Main St|73301|${picker.id}|${first.id}|${second.id}|CostCents`));

    // The email's case does not matter; a tracking number finds the order too.
    expect((await server.anonymous.get(`/api/track/${tracking}?email=${encodeURIComponent(email.toUpperCase())}`)).body.number).toBe(order.number);
  });

  it('shows a shipment being picked once, though its picker let go of it and it was claimed again', async () => {
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    const { order } = await splitOrder(server, { customer: { email, name: 'Grace Hopper' } });
    await release(server);
    const [one] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    const lines = { shipmentLineIds: one!.lines.map((l) => l.id) };
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', lines), 200);
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims/release', lines), 200);
    await pickAndPack(picker.client, one!);

    const response = expectStatus(await server.anonymous.get(`/api/track/${order.number}?email=${encodeURIComponent(email)}`), 200).body as any;

    const { rows } = await server.pool.query(`select count(*)::int as n from outbox where aggregate_id = $1 and type = 'order.picking_started'`, [order.id]);
    expect(rows[0].n).toBe(2);
    expect(response.events.map((e: any) => e.type)).toEqual(['order.placed', 'order.allocated', 'order.picking_started', 'order.packed']);
    expect(response.status).toBe('picking');
  });

  it('answers a wrong email exactly like an unknown number', async () => {
    const { order } = await splitOrder(server);
    const wrongEmail = await server.anonymous.get(`/api/track/${order.number}?email=someone-else@example.com`);
    const unknown = await server.anonymous.get(`/api/track/T999999999?email=someone-else@example.com`);
    expect(wrongEmail.status).toBe(404);
    expect(wrongEmail.body.type).toBe('not_found');
    expect({ ...wrongEmail.body, detail: wrongEmail.body.detail.replace(order.number, 'N') }).toEqual({
      ...unknown.body,
      detail: unknown.body.detail.replace('T999999999', 'N'),
    });
    expect((await server.anonymous.get(`/api/track/${order.number}`)).body).toMatchObject({ status: 422, errors: [{ path: 'email' }] });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';
import { startWebhookApp } from '../fulfillment/carrier-webhook-app.ts';
import { signedInUser, type ShipmentBody } from '../fulfillment/fulfillment-fixture.ts';
import { asOf, daysAgo, outboxAt, simulatorClient, startHistoryServer } from './history-fixture.ts';

/**
 * One order's whole life backfilled through the API, each step dated by x-tower-as-of: the
 * rows and events of every step carry its moment, not the moment the backfill ran.
 */
let server: TestServer;
let simulator: ApiClient;
let carriers: Awaited<ReturnType<typeof startWebhookApp>>;
beforeAll(async () => {
  server = await startHistoryServer();
  simulator = await simulatorClient(server);
  carriers = await startWebhookApp(server, requestScopedClock(systemClock));
});
afterAll(async () => {
  await carriers.close();
  await server.close();
});

const HOUR_MS = 3_600_000;

/** A signed carrier scan sent with the simulator's token, so that it may be dated too. */
async function scan(trackingNumber: string, status: string, occurredAt: Date, dated?: Date) {
  const raw = JSON.stringify({ eventId: randomUUID(), trackingNumber, status, occurredAt: occurredAt.toISOString() });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-tower-signature': signCarrierBody('test-carrier-secret-0123456789', raw),
    ...simulator.defaults,
    ...(dated ? asOf(dated) : {}),
  };
  const response = await fetch(`${carriers.url}/api/carriers/regional-parcel/events`, { method: 'POST', headers, body: raw });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function at(text: string, id: string): Promise<(string | null)[]> {
  const { rows } = await server.pool.query(text, [id]);
  return rows.map((r) => (r.at === null ? null : (r.at as Date).toISOString()));
}

describe('an order backfilled from placement to refund', () => {
  it('every step carries its own past moment: shipment, lines, packages, carrier scans, return and their events', async () => {
    const location = await createLocation(server.api);
    const product = await createProduct(server.api, { weightGrams: 250, lengthMm: 300, widthMm: 200, heightMm: 20 });
    await addStock(server.api, product.sku, location.id, 10);
    // Delivered long enough ago that a return requested today would be out of its 30-day window.
    const placed = daysAgo(60);
    const step = (hours: number) => new Date(placed.getTime() + hours * HOUR_MS);
    const [released, claimed, picked, packed, shipped] = [step(1), step(2), step(3), step(4), step(5)];
    const [inTransit, delivered, deliveryReceived] = [step(24), step(48), step(49)];
    const [requested, authorized, received, resolved] = [step(72), step(73), step(120), step(121)];

    const order = expectStatus(
      await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 2 }]), { 'idempotency-key': randomUUID(), ...asOf(placed) }),
      201,
    ).body as { id: string; number: string };
    expectStatus(await simulator.post('/api/fulfillment/release', {}, asOf(released)), 200);
    const [shipment] = expectStatus(await simulator.get(`/api/fulfillment/shipments?orderId=${order.id}`), 200).body as ShipmentBody[];
    // Pick claims are a person's: the backfill signs in as a user with the same roles.
    const picker = (await signedInUser(server, ['manager', 'simulator'])).client;
    const line = shipment!.lines[0]!;
    expectStatus(await picker.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }, asOf(claimed)), 200);
    expectStatus(await picker.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }, asOf(picked)), 200);
    const packedShipment = expectStatus(
      await picker.post(`/api/fulfillment/shipments/${shipment!.id}/pack`, { items: [{ sku: line.sku, quantity: line.quantity }] }, asOf(packed)),
      200,
    ).body as ShipmentBody;
    expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment!.id}/ship`, undefined, asOf(shipped)), 200);
    const tracking = packedShipment.packages[0]!.trackingNumber;
    expect((await scan(tracking, 'in_transit', inTransit)).status).toBe(200);
    expect((await scan(tracking, 'delivered', delivered, deliveryReceived)).body).toMatchObject({ applied: true, shipmentStatus: 'delivered' });

    expect(await at('select created_at as at from shipments where id = $1', shipment!.id)).toEqual([released.toISOString()]);
    expect(await at('select pick_claimed_at as at from shipment_lines where id = $1', line.id)).toEqual([claimed.toISOString()]);
    expect(await at('select picked_at as at from shipment_lines where id = $1', line.id)).toEqual([picked.toISOString()]);
    expect(await at('select created_at as at from packages where shipment_id = $1', shipment!.id)).toEqual([packed.toISOString()]);
    expect(await at('select shipped_at as at from shipments where id = $1', shipment!.id)).toEqual([shipped.toISOString()]);
    expect(await at(`select occurred_at as at from inventory_ledger where order_id = $1 and reason = 'shipment'`, order.id)).toEqual([shipped.toISOString()]);
    // The scan's own time is when it was delivered; the header's is when Tower heard of it.
    expect(await at('select delivered_at as at from shipments where id = $1', shipment!.id)).toEqual([delivered.toISOString()]);
    expect(await at('select created_at as at from carrier_events where tracking_number = $1 order by occurred_at', tracking)).toEqual([
      expect.any(String),
      deliveryReceived.toISOString(),
    ]);

    // Today the window has closed; as of the day after delivery it is open.
    const lines = [{ sku: product.sku, quantity: 1, reason: 'size_or_fit' }];
    expect((await simulator.post('/api/returns', { order: order.number, lines })).status).toBe(422);
    const rma = expectStatus(await simulator.post('/api/returns', { order: order.number, lines }, asOf(requested)), 201).body as {
      id: string;
      lines: { id: string }[];
    };
    expectStatus(await simulator.post(`/api/returns/${rma.id}/authorize`, {}, asOf(authorized)), 200);
    const receipt = { locationId: location.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }] };
    expectStatus(await simulator.post(`/api/returns/${rma.id}/receive`, receipt, asOf(received)), 200);
    expectStatus(await simulator.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' }, asOf(resolved)), 200);

    const { rows } = await server.pool.query('select requested_at, authorized_at, received_at, inspected_at, resolved_at, created_at from returns where id = $1', [rma.id]);
    expect(Object.fromEntries(Object.entries(rows[0] as Record<string, Date>).map(([k, v]) => [k, v.toISOString()]))).toEqual({
      requested_at: requested.toISOString(),
      authorized_at: authorized.toISOString(),
      received_at: received.toISOString(),
      inspected_at: received.toISOString(),
      resolved_at: resolved.toISOString(),
      created_at: requested.toISOString(),
    });
    expect(await at(`select occurred_at as at from inventory_ledger where order_id = $1 and reason = 'return'`, order.id)).toEqual([received.toISOString()]);
    // The restock is the location's event; the receipt stock came in at real time before it.
    expect((await outboxAt(server, location.id)).filter((e) => e.type === 'inventory.adjusted').at(-1)).toEqual({ type: 'inventory.adjusted', occurredAt: received.toISOString() });

    const iso = (d: Date) => d.toISOString();
    expect(await outboxAt(server, order.id)).toEqual([
      { type: 'order.placed', occurredAt: iso(placed) },
      { type: 'payment.authorized', occurredAt: iso(placed) },
      { type: 'order.allocated', occurredAt: iso(placed) },
      { type: 'order.picking_started', occurredAt: iso(claimed) },
      { type: 'order.packed', occurredAt: iso(packed) },
      { type: 'order.shipped', occurredAt: iso(shipped) },
      { type: 'payment.captured', occurredAt: iso(shipped) },
      { type: 'order.delivered', occurredAt: iso(deliveryReceived) },
      { type: 'return.requested', occurredAt: iso(requested) },
      { type: 'return.authorized', occurredAt: iso(authorized) },
      { type: 'return.received', occurredAt: iso(received) },
      { type: 'return.inspected', occurredAt: iso(received) },
      { type: 'payment.refunded', occurredAt: iso(resolved) },
      { type: 'return.resolved', occurredAt: iso(resolved) },
    ]);
  });

  it('a dated carrier scan without the token that allows it is refused, and the scan is not recorded', async () => {
    const raw = JSON.stringify({ eventId: randomUUID(), trackingNumber: 'NOPE', status: 'delivered', occurredAt: daysAgo(3).toISOString() });
    const response = await fetch(`${carriers.url}/api/carriers/regional-parcel/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tower-signature': signCarrierBody('test-carrier-secret-0123456789', raw), ...asOf(daysAgo(3)) },
      body: raw,
    });
    expect(response.status).toBe(401);
  });
});

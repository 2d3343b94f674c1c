import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

/** POST /api/carriers/{carrier}/events/batch applies a delivery set-based, with the single webhook's results. */
const SECRET = 'set-carrier-secret-0123456789';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: requestScopedClock(systemClock), carrierWebhooks: { shared: SECRET } });
});
afterAll(() => server.close());

async function post(path: string, body: unknown, receivedAt: string) {
  const raw = JSON.stringify(body);
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tower-signature': signCarrierBody(SECRET, raw), ...(await simulatorAuth()), 'x-tower-as-of': receivedAt },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

let token: Record<string, string> | undefined;
/** A simulator token: carriers' deliveries dated with x-tower-as-of, as the backfill sends them. */
async function simulatorAuth() {
  token ??= (await server.tokenClient(['manager', 'simulator'])).defaults;
  return token;
}

const single = (event: Record<string, unknown>, at: string) => post('/api/carriers/regional-parcel/events', event, at);
const batch = (events: Record<string, unknown>[], at: string) => post('/api/carriers/regional-parcel/events/batch', { events }, at);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** An order in two shipments handed to the carrier: its shipments' tracking numbers, by shipment number. */
async function shippedOrder() {
  const { order } = await splitOrder(server);
  await release(server);
  const picker = await signedInUser(server);
  const shipments: ShipmentBody[] = [];
  for (const s of await shipmentsOf(server, order.id)) {
    await pickAndPack(picker.client, s);
    shipments.push(expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/ship`), 200).body as ShipmentBody);
  }
  const roles = new Map<string, string>([[order.id, 'order'], ...shipments.flatMap((s) => [[s.id, `shipment-${s.number}`], [s.packages[0]!.trackingNumber, `parcel-${s.number}`]] as [string, string][])]);
  return { order, tracking: shipments.map((s) => s.packages[0]!.trackingNumber), roles };
}

/** What the scans wrote for an order, its ids named by role. */
async function footprint(orderId: string, roles: Map<string, string>) {
  const name = (value: unknown): unknown => {
    if (typeof value === 'string') return roles.get(value) ?? value;
    if (Array.isArray(value)) return value.map(name);
    if (value instanceof Date) return value.toISOString();
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !['placedAt', 'locationId', 'sku'].includes(k)).map(([k, v]) => [k, name(v)]));
    return value;
  };
  const q = async (text: string) => name((await server.pool.query(text, [orderId])).rows);
  return {
    order: await q('select status, updated_at from orders where id = $1'),
    shipments: await q('select id, status, delivered_at, updated_at from shipments where order_id = $1 order by number'),
    packages: await q('select p.tracking_number, p.status, p.last_event_at from packages p join shipments s on s.id = p.shipment_id where s.order_id = $1 order by s.number'),
    scans: await q(`select c.tracking_number, c.status, c.occurred_at, c.created_at, c.applied from carrier_events c
      join packages p on p.tracking_number = c.tracking_number join shipments s on s.id = p.shipment_id where s.order_id = $1 order by c.occurred_at, c.tracking_number`),
    events: await q(`select type, occurred_at, payload from outbox where aggregate_id = $1 and type = 'order.delivered' order by id`),
  };
}

/** A carrier's scans of two parcels: an exception that clears, a late older scan, a redelivery inside the delivery, both delivered. */
function journey(tracking: string[]) {
  const [one, two] = tracking as [string, string];
  const scan = (trackingNumber: string, status: string, minutes: number, eventId = randomUUID()) => ({ eventId, trackingNumber, status, occurredAt: minutesAgo(minutes) });
  const repeated = scan(one, 'in_transit', 50);
  return [
    repeated,
    scan(two, 'in_transit', 49),
    scan(one, 'exception', 45),
    repeated,
    scan(one, 'in_transit', 40),
    scan(two, 'out_for_delivery', 30),
    scan(two, 'in_transit', 35),
    scan(one, 'delivered', 20),
    scan(two, 'delivered', 15),
  ];
}

describe("a carrier's delivery applied set-based", () => {
  it('leaves what the single webhook leaves, event by event, on a twin order: results, packages, shipments, order, recorded scans, order.delivered', async () => {
    const a = await shippedOrder();
    const b = await shippedOrder();
    const receivedAt = minutesAgo(10);
    const scansA = journey(a.tracking);
    const scansB = scansA.map((s) => ({ ...s, eventId: `${s.eventId}-b`, trackingNumber: s.trackingNumber === a.tracking[0] ? b.tracking[0]! : b.tracking[1]! }));
    const one: unknown[] = [];
    for (const scan of scansA) one.push((await single(scan, receivedAt)).body);
    const all = await batch(scansB, receivedAt);
    expect(all.status).toBe(200);
    expect(all.body.results.map((r: { result: unknown }) => r.result)).toEqual(one);
    expect(all.body.summary).toEqual({ events: 9, applied: 7, duplicates: 1, failed: 0 });

    const expected = await footprint(a.order.id, a.roles);
    expect(expected.order).toEqual([{ status: 'delivered', updated_at: receivedAt }]);
    expect(await footprint(b.order.id, b.roles)).toEqual(expected);
    expect(server.logs.filter((l) => String(l['msg']).includes('set-based'))).toEqual([]);
  });

  it('returns an order whose parcels all went back to the sender, as the single webhook does', async () => {
    const { order, tracking } = await shippedOrder();
    const at = minutesAgo(5);
    const answer = await batch(
      tracking.map((t, i) => ({ eventId: randomUUID(), trackingNumber: t, status: 'returned_to_sender', occurredAt: minutesAgo(8 - i) })),
      at,
    );
    expect(answer.body.results.map((r: any) => r.result.shipmentStatus)).toEqual(['returned_to_sender', 'returned_to_sender']);
    expect(await orderStatus(server, order.id)).toBe('returned');
  });

  it('records each scan once when the same delivery arrives twice at once, and delivers each shipment once', async () => {
    const { order, tracking } = await shippedOrder();
    const scans = tracking.flatMap((t, i) => [
      { eventId: randomUUID(), trackingNumber: t, status: 'in_transit', occurredAt: minutesAgo(30 - i) },
      { eventId: randomUUID(), trackingNumber: t, status: 'delivered', occurredAt: minutesAgo(20 - i) },
    ]);
    const [first, second] = await Promise.all([batch(scans, minutesAgo(10)), batch(scans, minutesAgo(10))]);
    expect(first.body.summary.applied + second.body.summary.applied).toBe(4);
    expect(first.body.summary.duplicates + second.body.summary.duplicates).toBe(4);
    const { rows } = await server.pool.query(
      `select (select count(*)::int from carrier_events where tracking_number = any($2)) as scans,
        (select count(*)::int from outbox where aggregate_id = $1 and type = 'order.delivered') as delivered`,
      [order.id, tracking],
    );
    expect(rows[0]).toEqual({ scans: 4, delivered: 2 });
    expect(await orderStatus(server, order.id)).toBe('delivered');
  });
});

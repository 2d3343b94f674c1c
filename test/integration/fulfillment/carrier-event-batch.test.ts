import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { CARRIER_SECRET, startWebhookApp } from './carrier-webhook-app.ts';
import { orderStatus, pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

/** POST /api/carriers/{carrier}/events/batch: a carrier's delivery of many scans, each applied on its own. */
let server: TestServer;
let carriers: Awaited<ReturnType<typeof startWebhookApp>>;
beforeAll(async () => {
  server = await startTestServer();
  carriers = await startWebhookApp(server, requestScopedClock(systemClock));
});
afterAll(async () => {
  await carriers.close();
  await server.close();
});

async function postBatch(events: unknown[], headers: Record<string, string> = {}, signature?: string) {
  const raw = JSON.stringify({ events });
  const response = await fetch(`${carriers.url}/api/carriers/regional-parcel/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tower-signature': signature ?? signCarrierBody(CARRIER_SECRET, raw), ...headers },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** An order in two shipments, both handed to the carrier: their tracking numbers. */
async function shippedOrder() {
  const { order } = await splitOrder(server);
  await release(server);
  const picker = await signedInUser(server);
  const tracking: string[] = [];
  for (const s of await shipmentsOf(server, order.id)) {
    await pickAndPack(picker.client, s);
    const shipped = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/ship`), 200).body as ShipmentBody;
    tracking.push(shipped.packages[0]!.trackingNumber);
  }
  return { order, tracking };
}

const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe("a carrier's batch of tracking events", () => {
  it('applies each event as the single webhook would; an unknown package or a bad event fails alone; a redelivery changes nothing', async () => {
    const { order, tracking } = await shippedOrder();
    const [one, two] = tracking as [string, string];
    const events = [
      { eventId: randomUUID(), trackingNumber: one, status: 'in_transit', occurredAt: at(1) },
      { eventId: randomUUID(), trackingNumber: one, status: 'delivered', occurredAt: at(2) },
      { eventId: randomUUID(), trackingNumber: 'NO-SUCH-PARCEL', status: 'delivered', occurredAt: at(2) },
      { eventId: randomUUID(), trackingNumber: two, status: 'teleported', occurredAt: at(2) },
      { eventId: randomUUID(), trackingNumber: two, status: 'delivered', occurredAt: at(3) },
    ];
    const first = await postBatch(events);
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ events: 5, applied: 3, duplicates: 0, failed: 2 });
    expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([200, 200, 404, 422, 200]);
    expect(first.body.results[3].problem.errors[0].path).toBe('events.3.status');
    expect(first.body.results[4].result).toMatchObject({ applied: true, packageStatus: 'delivered', shipmentStatus: 'delivered' });
    expect(await orderStatus(server, order.id)).toBe('delivered');

    const again = await postBatch(events);
    expect(again.body.summary).toEqual({ events: 5, applied: 0, duplicates: 3, failed: 2 });
    const { rows } = await server.pool.query(`select count(*)::int as n from outbox where aggregate_id = $1 and type = 'order.delivered'`, [order.id]);
    expect(rows[0].n).toBe(2);
  });

  it('is refused whole without the signature of its raw body, and an empty delivery is a 422', async () => {
    const { tracking } = await shippedOrder();
    const events = [{ eventId: randomUUID(), trackingNumber: tracking[0], status: 'in_transit', occurredAt: at(1) }];
    expect((await postBatch(events, {}, 'sha256=00')).status).toBe(401);
    const { rows } = await server.pool.query(`select count(*)::int as n from carrier_events where tracking_number = $1`, [tracking[0]]);
    expect(rows[0].n).toBe(0);
    expect((await postBatch([])).status).toBe(422);
  });

  it('dated by x-tower-as-of (a token allowed history:write), the events arrive in history', async () => {
    const { order, tracking } = await shippedOrder();
    const simulator = await server.tokenClient(['manager', 'simulator']);
    const receivedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const events = tracking.map((t, i) => ({ eventId: randomUUID(), trackingNumber: t, status: 'delivered', occurredAt: at(-70 + i) }));
    const response = await postBatch(events, { ...simulator.defaults, 'x-tower-as-of': receivedAt.toISOString() });
    expect(response.body.summary.applied).toBe(2);
    const { rows } = await server.pool.query<{ created_at: Date }>(`select created_at from carrier_events where tracking_number = any($1)`, [tracking]);
    expect(rows.map((r) => r.created_at.toISOString())).toEqual([receivedAt.toISOString(), receivedAt.toISOString()]);
    expect(await orderStatus(server, order.id)).toBe('delivered');
  });
});

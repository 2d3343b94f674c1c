import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { distanceKm } from '#server/inventory/allocation-plan.ts';
import { laneLeadTimes } from '#server/purchasing/index.ts';
import { newUser } from '../auth/helpers.ts';
import { eventsOf, ledgerOf, onHand, stockEventsOf, type TransferBody } from './purchasing-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const DAY_MS = 86_400_000;
// Dallas and Atlanta: about 1,160 km apart.
const DALLAS = { lat: 32.78, lon: -96.8 };
const ATLANTA = { lat: 33.75, lon: -84.39 };

async function twoLocations() {
  const [from, to] = await Promise.all([createLocation(server.api, DALLAS), createLocation(server.api, ATLANTA)]);
  return { from, to };
}

async function requested(fromLocationId: string, toLocationId: string, lines: { sku: string; quantity: number }[]) {
  return expectStatus(await server.api.post('/api/transfers', { fromLocationId, toLocationId, lines }), 201).body as TransferBody;
}

describe('moving stock between locations', () => {
  it('ship takes stock off the source (transfer_out), receipts add it at the destination (transfer_in), in parts', async () => {
    const { from, to } = await twoLocations();
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, from.id, 10);
    const transfer = await requested(from.id, to.id, [{ sku: product.sku, quantity: 6 }]);
    expect(transfer).toMatchObject({ status: 'requested', shippedAt: null });
    expect(transfer.number).toMatch(/^TR-\d{6}$/);
    const inbound = async () => (await server.api.get(`/api/inventory/inbound?sku=${product.sku}`)).body as Record<string, unknown>[];
    expect(await inbound()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ locationId: to.id, transferRequestedIn: 6, inTransit: 0 }),
        expect.objectContaining({ locationId: from.id, transferRequestedOut: 6 }),
      ]),
    );

    const shipped = expectStatus(await server.api.post(`/api/transfers/${transfer.number}/ship`), 200).body as TransferBody;
    expect(shipped.status).toBe('shipped');
    expect(shipped.lines).toEqual([{ sku: product.sku, quantity: 6, quantityShipped: 6, quantityReceived: 0 }]);
    // 1 day + 1 per 800 km begun: Dallas → Atlanta is 3 days.
    expect(Date.parse(shipped.expectedAt!) - Date.parse(shipped.shippedAt!)).toBe(3 * DAY_MS);
    expect(await onHand(server, product.sku, from.id)).toBe(4);
    expect(await inbound()).toEqual([expect.objectContaining({ locationId: to.id, inTransit: 6, transferRequestedIn: 0, transferRequestedOut: 0, nextExpectedAt: shipped.expectedAt })]);

    const part = expectStatus(await server.api.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 4 }] }), 200).body as TransferBody;
    expect(part.status).toBe('partially_received');
    const over = await server.api.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 3 }] });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([{ path: 'lines.0.quantity', message: `only 2 of the 6 shipped units of ${product.sku} are still expected` }]);
    const done = expectStatus(await server.api.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 2 }] }), 200).body as TransferBody;
    expect(done.status).toBe('received');
    expect(await onHand(server, product.sku, to.id)).toBe(6);
    expect(await onHand(server, product.sku, from.id)).toBe(4);
    expect(await inbound()).toEqual([]);

    expect((await ledgerOf(server, product.sku)).map((r) => [r.locationId, r.delta, r.reason, r.note])).toEqual([
      [from.id, 10, 'receipt', null],
      [from.id, -6, 'transfer_out', transfer.number],
      [to.id, 4, 'transfer_in', transfer.number],
      [to.id, 2, 'transfer_in', transfer.number],
    ]);
    expect(await stockEventsOf(server, product.sku)).toEqual([
      { locationId: from.id, delta: 10, reason: 'receipt' },
      { locationId: from.id, delta: -6, reason: 'transfer_out' },
      { locationId: to.id, delta: 4, reason: 'transfer_in' },
      { locationId: to.id, delta: 2, reason: 'transfer_in' },
    ]);
    expect((await eventsOf(server, transfer.id)).map((e) => e.type)).toEqual(['transfer.requested', 'transfer.shipped', 'transfer.received', 'transfer.received']);
    expect((await server.api.post(`/api/transfers/${transfer.id}/cancel`, {})).body).toMatchObject({ status: 409, type: 'invalid_transition' });
  });

  it('shipping below what is reserved for orders is a 409 naming the line, and nothing moves', async () => {
    const { from, to } = await twoLocations();
    const [spare, tight] = await Promise.all([createProduct(server.api), createProduct(server.api)]);
    await addStock(server.api, spare.sku, from.id, 5);
    await addStock(server.api, tight.sku, from.id, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: tight.sku, quantity: 8 }]));
    expect(order.status).toBe('allocated');
    const transfer = await requested(from.id, to.id, [
      { sku: spare.sku, quantity: 5 },
      { sku: tight.sku, quantity: 5 },
    ]);

    const refused = await server.api.post(`/api/transfers/${transfer.id}/ship`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'out_of_stock', errors: [{ path: 'lines.1.quantity', message: `only 2 of ${tight.sku} available` }] });
    expect(await onHand(server, spare.sku, from.id)).toBe(5);
    expect(await onHand(server, tight.sku, from.id)).toBe(10);
    expect((await server.api.get(`/api/transfers/${transfer.id}`)).body.status).toBe('requested');

    // Shipping what can go: the body names the units per SKU.
    const short = await server.api.post(`/api/transfers/${transfer.id}/ship`, { lines: [{ sku: spare.sku, quantity: 5 }, { sku: tight.sku, quantity: 2 }] });
    expect(short.status).toBe(200);
    expect(await onHand(server, tight.sku, from.id)).toBe(8);
    const { rows } = await server.pool.query('select on_hand, reserved from inventory_levels where sku = $1 and location_id = $2', [tight.sku, from.id]);
    expect(rows[0]).toEqual({ on_hand: 8, reserved: 8 });
  });

  it('staff ship only from their location and receive only at theirs; cancelling a requested transfer', async () => {
    const { from, to } = await twoLocations();
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, from.id, 3);
    const atSource = await signIn(server.url, ...(await credentials([from.id])));
    const atDestination = await signIn(server.url, ...(await credentials([to.id])));
    expect((await atSource.post('/api/transfers', { fromLocationId: from.id, toLocationId: to.id, lines: [{ sku: product.sku, quantity: 3 }] })).status).toBe(403);
    const transfer = await requested(from.id, to.id, [{ sku: product.sku, quantity: 3 }]);

    const wrongShip = await atDestination.post(`/api/transfers/${transfer.id}/ship`);
    expect(wrongShip.status).toBe(403);
    expect(wrongShip.body.errors).toEqual([{ path: 'fromLocationId', message: 'is not one of your locations' }]);
    expect((await atSource.post(`/api/transfers/${transfer.id}/ship`)).status).toBe(200);
    const wrongReceive = await atSource.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 3 }] });
    expect(wrongReceive.body.errors).toEqual([{ path: 'toLocationId', message: 'is not one of your locations' }]);
    expect((await atDestination.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 3 }] })).status).toBe(200);

    const dropped = await requested(from.id, to.id, [{ sku: product.sku, quantity: 1 }]);
    const cancelled = expectStatus(await server.api.post(`/api/transfers/${dropped.id}/cancel`, { reason: 'not needed' }), 200).body as TransferBody;
    expect(cancelled.status).toBe('cancelled');
    expect((await server.api.post(`/api/transfers/${dropped.id}/ship`)).body).toMatchObject({ status: 409, type: 'invalid_transition' });
  });

  it('refuses a transfer to its own source and unknown SKUs, naming the fields', async () => {
    const { from } = await twoLocations();
    const response = await server.api.post('/api/transfers', { fromLocationId: from.id, toLocationId: from.id, lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { path: 'toLocationId', message: 'must differ from fromLocationId' },
      { path: 'lines.0.sku', message: 'no product has SKU NO-SUCH-SKU' },
    ]);
  });

  it('a retried ship with the same Idempotency-Key moves stock once', async () => {
    const { from, to } = await twoLocations();
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, from.id, 4);
    const transfer = await requested(from.id, to.id, [{ sku: product.sku, quantity: 4 }]);
    const key = { 'idempotency-key': randomUUID() };
    expect((await server.api.post(`/api/transfers/${transfer.id}/ship`, {}, key)).status).toBe(200);
    expect((await server.api.post(`/api/transfers/${transfer.id}/ship`, {}, key)).status).toBe(200);
    expect(await onHand(server, product.sku, from.id)).toBe(0);
  });
});

describe('transfers under concurrency', () => {
  it('one transfer shipped twice at once moves stock once; concurrent receipts never exceed what shipped', async () => {
    const { from, to } = await twoLocations();
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, from.id, 10);
    const transfer = await requested(from.id, to.id, [{ sku: product.sku, quantity: 10 }]);

    const ships = await Promise.all([1, 2, 3].map(() => server.api.post(`/api/transfers/${transfer.id}/ship`)));
    expect(ships.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await onHand(server, product.sku, from.id)).toBe(0);

    const receipts = await Promise.all([1, 2, 3, 4, 5].map(() => server.api.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 4 }] })));
    expect(receipts.map((r) => r.status).sort()).toEqual([200, 200, 422, 422, 422]);
    expect(await onHand(server, product.sku, to.id)).toBe(8);
    expect((await server.api.get(`/api/transfers/${transfer.id}`)).body.lines[0]).toMatchObject({ quantityShipped: 10, quantityReceived: 8 });
  });
});

describe('transfer lanes', () => {
  it('without a lane row the lead time and cost come from the distance; a configured lane wins', async () => {
    const { from, to } = await twoLocations();
    const km = distanceKm(DALLAS, ATLANTA);
    const lanes = (await server.api.get(`/api/transfer-lanes?fromLocationId=${from.id}&toLocationId=${to.id}&includeDefaults=true`)).body.items;
    expect(lanes).toEqual([
      { fromLocationId: from.id, toLocationId: to.id, leadTimeDays: 1 + Math.ceil(km / 800), costPerUnitCents: 25 + Math.round(km / 20), distanceKm: Math.round(km), configured: false },
    ]);
    expect((await laneLeadTimes(server.db))(from.id, to.id)).toEqual({ leadTimeDays: 3, costPerUnitCents: 25 + Math.round(km / 20) });

    expectStatus(await server.api.put('/api/transfer-lanes', { fromLocationId: from.id, toLocationId: to.id, leadTimeDays: 1, costPerUnitCents: 40 }), 200);
    expect((await laneLeadTimes(server.db))(from.id, to.id)).toEqual({ leadTimeDays: 1, costPerUnitCents: 40 });
    // Lanes have a direction: the way back still comes from the distance.
    expect((await laneLeadTimes(server.db))(to.id, from.id).leadTimeDays).toBe(3);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, from.id, 1);
    const transfer = await requested(from.id, to.id, [{ sku: product.sku, quantity: 1 }]);
    const shipped = expectStatus(await server.api.post(`/api/transfers/${transfer.id}/ship`), 200).body as TransferBody;
    expect(Date.parse(shipped.expectedAt!) - Date.parse(shipped.shippedAt!)).toBe(DAY_MS);

    const same = await server.api.put('/api/transfer-lanes', { fromLocationId: from.id, toLocationId: from.id, leadTimeDays: 1, costPerUnitCents: 40 });
    expect(same.body.errors).toEqual([{ path: 'toLocationId', message: 'must differ from fromLocationId' }]);
  });
});

async function credentials(locationIds: string[]): Promise<[string, string]> {
  const user = await newUser(server, ['staff'], { locationIds });
  return [user.email, user.password];
}

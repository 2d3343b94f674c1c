import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { asOf, daysAgo } from '../history/history-fixture.ts';
import { createSupplier, eventsOf, ledgerOf, setTerms, type PurchaseOrderBody, type TransferBody } from './purchasing-fixture.ts';

/** The history backfill buys and moves stock in the past: everything carries the request's moment. */
let server: TestServer;
let simulator: ApiClient;
beforeAll(async () => {
  server = await startTestServer({ clock: requestScopedClock(systemClock) });
  simulator = await server.tokenClient(['manager', 'simulator']);
});
afterAll(() => server.close());

const DAY_MS = 86_400_000;

describe('x-tower-as-of on purchasing', () => {
  it('a purchase order raised and received in the past carries those moments in its dates, ledger and events', async () => {
    const [supplier, location, product] = await Promise.all([createSupplier(server.api, { leadTimeDays: 6 }), createLocation(server.api), createProduct(server.api)]);
    await setTerms(server.api, supplier.id, product.sku, { unitCostCents: 300 });
    const raisedAt = daysAgo(10);
    const receivedAt = daysAgo(3);
    const po = expectStatus(
      await simulator.post('/api/purchase-orders', { supplierId: supplier.id, locationId: location.id, lines: [{ sku: product.sku, quantity: 8 }], submit: true }, asOf(raisedAt)),
      201,
    ).body as PurchaseOrderBody;
    expect(po).toMatchObject({ orderedAt: raisedAt.toISOString(), submittedAt: raisedAt.toISOString(), expectedAt: new Date(raisedAt.getTime() + 6 * DAY_MS).toISOString() });

    const received = expectStatus(await simulator.post(`/api/purchase-orders/${po.id}/receive`, { lines: [{ sku: product.sku, quantity: 8 }] }, asOf(receivedAt)), 200)
      .body as PurchaseOrderBody;
    expect(received).toMatchObject({ status: 'received', receivedAt: receivedAt.toISOString() });
    expect(received.receipts[0]!.receivedAt).toBe(receivedAt.toISOString());
    expect((await ledgerOf(server, product.sku)).map((r) => r.occurredAt)).toEqual([receivedAt.toISOString()]);
    expect((await eventsOf(server, po.id)).map((e) => [e.type, e.occurredAt])).toEqual([
      ['purchase_order.created', raisedAt.toISOString()],
      ['purchase_order.submitted', raisedAt.toISOString()],
      ['purchase_order.received', receivedAt.toISOString()],
    ]);
    const { rows } = await server.pool.query(`select occurred_at from outbox where type = 'inventory.adjusted' and payload->>'sku' = $1`, [product.sku]);
    expect(rows.map((r) => (r.occurred_at as Date).toISOString())).toEqual([receivedAt.toISOString()]);
  });

  it('a transfer requested, shipped and received in the past is due the lane lead time after its ship date', async () => {
    const [from, to, product] = await Promise.all([createLocation(server.api), createLocation(server.api, { lat: 33.75, lon: -84.39 }), createProduct(server.api)]);
    await addStock(server.api, product.sku, from.id, 5);
    expectStatus(await server.api.put('/api/transfer-lanes', { fromLocationId: from.id, toLocationId: to.id, leadTimeDays: 2, costPerUnitCents: 10 }), 200);
    const [requestedAt, shippedAt, arrivedAt] = [daysAgo(6), daysAgo(5), daysAgo(3)];
    const transfer = expectStatus(
      await simulator.post('/api/transfers', { fromLocationId: from.id, toLocationId: to.id, lines: [{ sku: product.sku, quantity: 5 }] }, asOf(requestedAt)),
      201,
    ).body as TransferBody;
    expect(transfer.requestedAt).toBe(requestedAt.toISOString());
    const shipped = expectStatus(await simulator.post(`/api/transfers/${transfer.id}/ship`, {}, asOf(shippedAt)), 200).body as TransferBody;
    expect(shipped).toMatchObject({ shippedAt: shippedAt.toISOString(), expectedAt: new Date(shippedAt.getTime() + 2 * DAY_MS).toISOString() });
    expectStatus(await simulator.post(`/api/transfers/${transfer.id}/receive`, { lines: [{ sku: product.sku, quantity: 5 }] }, asOf(arrivedAt)), 200);
    expect((await ledgerOf(server, product.sku)).slice(1).map((r) => [r.reason, r.occurredAt])).toEqual([
      ['transfer_out', shippedAt.toISOString()],
      ['transfer_in', arrivedAt.toISOString()],
    ]);
  });

  it('a planner without history:write cannot date a purchase order', async () => {
    const planner = await server.tokenClient(['planner']);
    const response = await planner.get('/api/purchase-orders', asOf(daysAgo(1)));
    expect(response.status).toBe(403);
  });
});

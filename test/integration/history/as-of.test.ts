import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countShipmentsToday } from '#server/orders/source-order.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder, stockedProduct, uniqueEmail } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';
import { asOf, daysAgo, outboxAt, simulatorClient, startHistoryServer } from './history-fixture.ts';

/**
 * The history backfill dates each request with x-tower-as-of: everything the request writes
 * carries that moment, as if Tower had served it then. Orders are written several to a
 * statement, so one statement carries several moments.
 */
let server: TestServer;
let simulator: ApiClient;
beforeAll(async () => {
  // One statement at a time: concurrent orders are sure to share statements.
  server = await startHistoryServer({ orderWriter: { maxInFlight: 1, maxBatch: 16 }, orderContextReader: { maxInFlight: 1, maxBatch: 16 } });
  simulator = await simulatorClient(server);
});
afterAll(() => server.close());

interface PlacedOrder {
  id: string;
  placedAt: string;
}

function placed(response: { status: number; body: unknown }): PlacedOrder {
  return expectStatus(response, 201).body as PlacedOrder;
}

async function orderCount(email: string): Promise<number> {
  const { rows } = await server.pool.query('select count(*)::int as n from orders o join customers c on c.id = o.customer_id where c.email = $1', [email]);
  return rows[0].n as number;
}

describe('who may date a request', () => {
  it('a manager without history:write is refused with a 403 naming x-tower-as-of, and nothing is placed', async () => {
    const manager = await server.tokenClient(['manager']);
    const { product } = await stockedProduct(server.api, 5);
    const email = uniqueEmail('undated');
    const response = await placeOrder(manager, orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email, name: 'Ada' } }));
    expect(response.status).toBe(201);
    const dated = await manager.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email, name: 'Ada' } }), {
      'idempotency-key': randomUUID(),
      ...asOf(daysAgo(3)),
    });
    expect(dated.status).toBe(403);
    expect(dated.headers.get('content-type')).toContain('application/problem+json');
    expect(dated.body).toMatchObject({ type: 'forbidden', status: 403, errors: [{ path: 'x-tower-as-of', message: 'needs history:write' }] });
    expect(await orderCount(email)).toBe(1);
  });

  it('without credentials the header is a 401, like any guarded request', async () => {
    const response = await server.anonymous.get('/api/orders', asOf(daysAgo(1)));
    expect(response.status).toBe(401);
  });

  it.each(['yesterday', '2026-10-01', '2026-10-01T14:03:00', '2026-13-01T14:03:00Z', ''])('a malformed moment (%j) is a 400 naming the header', async (value) => {
    const response = await simulator.get('/api/orders', { 'x-tower-as-of': value });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'bad_request', errors: [{ path: 'x-tower-as-of' }] });
  });

  it('a moment more than 5 minutes ahead is a 400 (the header dates history), a minute ahead is accepted', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const ahead = (ms: number) => ({ 'idempotency-key': randomUUID(), 'x-tower-as-of': new Date(Date.now() + ms).toISOString() });
    const future = await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }]), ahead(10 * 60_000));
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ type: 'bad_request', errors: [{ path: 'x-tower-as-of', message: 'is more than 5 minutes in the future' }] });
    expect((await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }]), ahead(60_000))).status).toBe(201);
  });

  it('an offset other than Z is the same moment', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const response = await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }]), {
      'idempotency-key': randomUUID(),
      'x-tower-as-of': '2026-03-01T09:30:00.000+02:00',
    });
    expect(placed(response).placedAt).toBe('2026-03-01T07:30:00.000Z');
  });

  it('without the header, the simulator places orders at the present moment', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const before = Date.now();
    const order = placed(await placeOrder(simulator, orderBody([{ sku: product.sku, quantity: 1 }])));
    expect(new Date(order.placedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('an order placed as of a past moment', () => {
  it('carries the moment in its row, payment, reservation, ledger, sourcing decision and every event; the audit keeps real time beside it', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const moment = daysAgo(40);
    const response = await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 2 }]), { 'idempotency-key': randomUUID(), ...asOf(moment) });
    const order = placed(response);
    const at = moment.toISOString();
    expect(order.placedAt).toBe(at);
    expect(expectStatus(await simulator.get(`/api/orders/${order.id}`), 200).body).toMatchObject({ placedAt: at, createdAt: at });

    const q = async (text: string) => (await server.pool.query(text, [order.id])).rows.map((r) => (r.at as Date).toISOString());
    expect(await q('select placed_at as at from orders where id = $1')).toEqual([at]);
    expect(await q('select created_at as at from payments where order_id = $1')).toEqual([at]);
    expect(await q('select created_at as at from order_allocations where order_id = $1')).toEqual([at]);
    expect(await q(`select occurred_at as at from inventory_ledger where order_id = $1 and reason = 'reservation'`)).toEqual([at]);
    expect(await q('select decided_at as at from order_sourcing_decisions where order_id = $1')).toEqual([at]);
    expect(await outboxAt(server, order.id)).toEqual([
      { type: 'order.placed', occurredAt: at },
      { type: 'payment.authorized', occurredAt: at },
      { type: 'order.allocated', occurredAt: at },
    ]);

    const { rows } = await server.pool.query(`select occurred_at, detail from audit_log where target_id = $1 and path = '/api/orders'`, [order.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].detail).toMatchObject({ asOf: at });
    expect(Date.now() - (rows[0].occurred_at as Date).getTime()).toBeLessThan(60_000);
  });

  it('concurrent orders dated differently, written in shared statements, each keep their own moment', async () => {
    const { product } = await stockedProduct(server.api, 100);
    const moments = Array.from({ length: 12 }, (_, i) => daysAgo(30 - i * 1.5));
    const statementsBefore = server.orderWriter.stats();
    const responses = await Promise.all(
      moments.map((m) => simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }]), { 'idempotency-key': randomUUID(), ...asOf(m) })),
    );
    const after = server.orderWriter.stats();
    expect(after.statements - statementsBefore.statements).toBeLessThan(moments.length);
    const ids = responses.map((r) => placed(r).id);
    const { rows } = await server.pool.query(
      `select o.id, o.placed_at,
         (select array_agg(distinct p.created_at) from payments p where p.order_id = o.id) as payments,
         (select array_agg(distinct a.created_at) from order_allocations a where a.order_id = o.id) as allocations,
         (select array_agg(distinct e.occurred_at) from outbox e where e.aggregate_id = o.id) as events
       from orders o where o.id = any($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    ids.forEach((id, i) => {
      const at = moments[i]!.getTime();
      const row = byId.get(id)!;
      expect((row.placed_at as Date).getTime()).toBe(at);
      for (const column of ['payments', 'allocations', 'events']) expect((row[column] as Date[]).map((d) => d.getTime())).toEqual([at]);
    });
  });
});

describe('releasing as of a past moment', () => {
  it('releases only the orders placed by then, and stamps their shipments with the moment, counted on that day', async () => {
    const location = await createLocation(server.api);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, location.id, 10);
    const place = async (moment: Date) =>
      placed(await simulator.post('/api/orders', orderBody([{ sku: product.sku, quantity: 1 }]), { 'idempotency-key': randomUUID(), ...asOf(moment) })).id;
    const early = await place(daysAgo(20));
    const late = await place(daysAgo(18));
    const releaseMoment = daysAgo(19);

    expectStatus(await simulator.post('/api/fulfillment/release', {}, asOf(releaseMoment)), 200);
    const shipments = async (orderId: string) =>
      (await server.pool.query('select created_at from shipments where order_id = $1', [orderId])).rows.map((r) => (r.created_at as Date).toISOString());
    expect(await shipments(early)).toEqual([releaseMoment.toISOString()]);
    expect(await shipments(late)).toEqual([]);
    expect((await countShipmentsToday(server.db, releaseMoment)).get(location.id)).toBe(1);
    // Bounded by the day: the next day has none yet, whatever comes later.
    expect((await countShipmentsToday(server.db, daysAgo(18))).get(location.id)).toBeUndefined();

    const secondRelease = daysAgo(17);
    expectStatus(await simulator.post('/api/fulfillment/release', {}, asOf(secondRelease)), 200);
    expect(await shipments(late)).toEqual([secondRelease.toISOString()]);
  });
});

describe('stock adjusted as of a past moment', () => {
  it('records the ledger row and inventory.adjusted at the moment', async () => {
    const location = await createLocation(server.api);
    const product = await createProduct(server.api);
    const moment = daysAgo(60);
    const response = await simulator.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: 25, reason: 'receipt' }, asOf(moment));
    expectStatus(response, 201);
    const { rows } = await server.pool.query(`select occurred_at from inventory_ledger where sku = $1 and reason = 'receipt'`, [product.sku]);
    expect(rows.map((r) => (r.occurred_at as Date).toISOString())).toEqual([moment.toISOString()]);
    expect(await outboxAt(server, location.id).then((events) => events.filter((e) => e.type === 'inventory.adjusted'))).toEqual([
      { type: 'inventory.adjusted', occurredAt: moment.toISOString() },
    ]);
  });
});

describe('an order file imported as of a past moment', () => {
  it('places every order of the file at the moment', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const moment = daysAgo(50);
    const refs = [`PO-${randomUUID().slice(0, 8)}`, `PO-${randomUUID().slice(0, 8)}`];
    const csv = [
      'externalRef,customerEmail,customerName,line1,city,region,postalCode,country,sku,quantity,currency',
      ...refs.map((ref) => `${ref},${uniqueEmail('b2b')},Acme,1 Main St,Austin,TX,73301,US,${product.sku},1,USD`),
    ].join('\n');
    const response = await simulator.request('POST', '/api/orders/import', csv, { 'content-type': 'text/csv', ...asOf(moment) });
    expect(response.status).toBe(200);
    expect(response.body.summary).toMatchObject({ created: 2, failed: 0 });
    const { rows } = await server.pool.query('select placed_at from orders where external_ref = any($1::text[])', [refs]);
    expect(rows.map((r) => (r.placed_at as Date).toISOString())).toEqual([moment.toISOString(), moment.toISOString()]);
  });
});

describe('the OpenAPI document', () => {
  it('declares the header once, as a parameter every operation accepts', async () => {
    const doc = expectStatus(await server.anonymous.get('/api/openapi.json'), 200).body as { components: { parameters: Record<string, unknown> } };
    expect(doc.components.parameters['AsOf']).toMatchObject({ name: 'x-tower-as-of', in: 'header', required: false, schema: { type: 'string', format: 'date-time' } });
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { newUser } from '../auth/helpers.ts';
import { createSupplier, eventsOf, ledgerOf, onHand, setTerms, stockEventsOf, type PurchaseOrderBody } from './purchasing-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const DAY_MS = 86_400_000;

/** A supplier selling a new SKU in cases of 6 at 2.50, 10 days' lead time, and a location to deliver to. */
async function buyable(terms: Record<string, unknown> = {}) {
  const [supplier, location, product] = await Promise.all([createSupplier(server.api), createLocation(server.api), createProduct(server.api)]);
  await setTerms(server.api, supplier.id, product.sku, { unitCostCents: 250, casePack: 6, minimumOrderQuantity: 12, ...terms });
  return { supplier, location, product };
}

async function submittedOrder(quantity = 24) {
  const setup = await buyable();
  const po = expectStatus(
    await server.api.post('/api/purchase-orders', { supplierId: setup.supplier.id, locationId: setup.location.id, lines: [{ sku: setup.product.sku, quantity }], submit: true }),
    201,
  ).body as PurchaseOrderBody;
  return { ...setup, po };
}

function receive(id: string, lines: { sku: string; quantity: number }[], headers: Record<string, string> = {}, client = server.api) {
  return client.post(`/api/purchase-orders/${id}/receive`, { lines }, headers);
}

describe('the life of a purchase order', () => {
  it('draft → edited → submitted → received in parts raises on-hand through the ledger, allocates backorders, and closes', async () => {
    const { supplier, location, product } = await buyable();
    // An order waiting for the SKU (phone orders may be backordered).
    const waiting = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 5 }], { channel: 'phone' }));
    expect(waiting.status).toBe('backordered');

    const draft = expectStatus(
      await server.api.post('/api/purchase-orders', { supplierId: supplier.id, locationId: location.id, lines: [{ sku: product.sku, quantity: 12 }], note: 'first buy' }),
      201,
    ).body as PurchaseOrderBody;
    expect(draft).toMatchObject({ status: 'draft', currency: 'USD', expectedAt: null, submittedAt: null, totalCents: 3000, note: 'first buy' });
    expect(draft.number).toMatch(/^PO-\d{6}$/);
    expect(draft.lines).toEqual([{ sku: product.sku, quantityOrdered: 12, quantityReceived: 0, quantityOpen: 12, unitCostCents: 250, lineTotalCents: 3000 }]);

    const edited = expectStatus(await server.api.patch(`/api/purchase-orders/${draft.number}`, { lines: [{ sku: product.sku, quantity: 24, unitCostCents: 240 }] }), 200)
      .body as PurchaseOrderBody;
    expect(edited.lines[0]).toMatchObject({ quantityOrdered: 24, unitCostCents: 240 });
    // Nothing is on order while it is a draft.
    const inboundDraft = (await server.api.get(`/api/inventory/inbound?sku=${product.sku}`)).body;
    expect(inboundDraft).toEqual([expect.objectContaining({ locationId: location.id, onOrder: 0, onDraft: 24, nextExpectedAt: null })]);

    const submitted = expectStatus(await server.api.post(`/api/purchase-orders/${draft.id}/submit`), 200).body as PurchaseOrderBody;
    expect(submitted.status).toBe('submitted');
    expect(Date.parse(submitted.expectedAt!) - Date.parse(submitted.submittedAt!)).toBe(10 * DAY_MS);
    expect((await server.api.patch(`/api/purchase-orders/${draft.id}`, { note: 'too late' })).body).toMatchObject({ status: 409, type: 'invalid_transition' });

    const first = expectStatus(await receive(draft.id, [{ sku: product.sku, quantity: 10 }]), 200).body as PurchaseOrderBody;
    expect(first.status).toBe('partially_received');
    expect(first.lines[0]).toMatchObject({ quantityReceived: 10, quantityOpen: 14 });
    expect(first.backordersAllocated).toEqual([waiting.id]);
    expect((await server.api.get(`/api/orders/${waiting.id}`)).body.status).toBe('allocated');
    expect(await onHand(server, product.sku, location.id)).toBe(10);
    expect((await server.api.get(`/api/inventory/inbound?sku=${product.sku}`)).body).toEqual([
      { sku: product.sku, locationId: location.id, onOrder: 14, onDraft: 0, inTransit: 0, transferRequestedIn: 0, transferRequestedOut: 0, nextExpectedAt: submitted.expectedAt },
    ]);

    const second = expectStatus(await receive(draft.number, [{ sku: product.sku, quantity: 14 }]), 200).body as PurchaseOrderBody;
    expect(second).toMatchObject({ status: 'received', backordersAllocated: [] });
    expect(second.receipts.map((r) => r.quantity)).toEqual([10, 14]);
    expect(await onHand(server, product.sku, location.id)).toBe(24);
    // The backorder's reservation writes its own row (reason `reservation`, no on-hand change).
    expect((await ledgerOf(server, product.sku)).filter((r) => r.delta !== 0)).toEqual([
      expect.objectContaining({ locationId: location.id, delta: 10, reason: 'receipt', note: draft.number }),
      expect.objectContaining({ locationId: location.id, delta: 14, reason: 'receipt', note: draft.number }),
    ]);
    expect(await stockEventsOf(server, product.sku)).toEqual([
      { locationId: location.id, delta: 10, reason: 'receipt' },
      { locationId: location.id, delta: 14, reason: 'receipt' },
    ]);
    expect((await server.api.get(`/api/inventory/inbound?sku=${product.sku}`)).body).toEqual([]);

    const closed = expectStatus(await server.api.post(`/api/purchase-orders/${draft.id}/close`, {}), 200).body as PurchaseOrderBody;
    expect(closed.status).toBe('closed');
    expect((await server.api.post(`/api/purchase-orders/${draft.id}/cancel`, {})).body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect((await eventsOf(server, draft.id)).map((e) => e.type)).toEqual([
      'purchase_order.created',
      'purchase_order.updated',
      'purchase_order.submitted',
      'purchase_order.received',
      'purchase_order.received',
      'purchase_order.closed',
    ]);
    const listed = (await server.api.get(`/api/purchase-orders?sku=${product.sku}&status=closed`)).body;
    expect(listed.items.map((p: PurchaseOrderBody) => p.id)).toEqual([draft.id]);
  });

  it('closing a partially received order takes the rest off order; a cancelled one never receives', async () => {
    const { po, product, location } = await submittedOrder(24);
    expectStatus(await receive(po.id, [{ sku: product.sku, quantity: 6 }]), 200);
    const closed = expectStatus(await server.api.post(`/api/purchase-orders/${po.id}/close`, { reason: 'supplier out of stock' }), 200).body as PurchaseOrderBody;
    expect(closed.lines[0]).toMatchObject({ quantityReceived: 6, quantityOpen: 0 });
    expect((await server.api.get(`/api/inventory/inbound?sku=${product.sku}&locationId=${location.id}`)).body).toEqual([]);
    expect((await eventsOf(server, po.id)).at(-1)?.payload).toMatchObject({ from: 'partially_received', unreceived: [{ sku: product.sku, quantity: 18 }] });

    const other = await submittedOrder(12);
    expectStatus(await server.api.post(`/api/purchase-orders/${other.po.id}/cancel`, {}), 200);
    const late = await receive(other.po.id, [{ sku: other.product.sku, quantity: 12 }]);
    expect(late.body).toMatchObject({ status: 409, type: 'invalid_transition' });
    expect(await onHand(server, other.product.sku, other.location.id)).toBe(0);
  });
});

describe('refused purchase orders name the field and write nothing', () => {
  it('a quantity off the case pack, under the minimum, a SKU without a cost, an unknown supplier', async () => {
    const { supplier, location, product } = await buyable();
    const unpriced = await createProduct(server.api);
    const body = (lines: unknown[], extra: Record<string, unknown> = {}) => ({ supplierId: supplier.id, locationId: location.id, lines, ...extra });

    const offPack = await server.api.post('/api/purchase-orders', body([{ sku: product.sku, quantity: 13 }]));
    expect(offPack.status).toBe(422);
    expect(offPack.body.errors).toEqual([{ path: 'lines.0.quantity', message: 'must be a multiple of the case pack of 6' }]);
    const underMinimum = await server.api.post('/api/purchase-orders', body([{ sku: product.sku, quantity: 6 }]));
    expect(underMinimum.body.errors).toEqual([{ path: 'lines.0.quantity', message: 'must be at least the minimum order quantity of 12' }]);
    const noCost = await server.api.post('/api/purchase-orders', body([{ sku: product.sku, quantity: 12 }, { sku: unpriced.sku, quantity: 5 }]));
    expect(noCost.body.errors).toEqual([{ path: 'lines.1.unitCostCents', message: expect.stringMatching(/no cost/) }]);
    const twice = await server.api.post('/api/purchase-orders', body([{ sku: product.sku, quantity: 12 }, { sku: product.sku, quantity: 12 }]));
    expect(twice.body.errors[0].path).toBe('lines.1.sku');
    const nobody = await server.api.post('/api/purchase-orders', { ...body([{ sku: product.sku, quantity: 12 }]), supplierId: randomUUID() });
    expect(nobody.body).toMatchObject({ status: 422, type: 'validation', errors: [{ path: 'supplierId', message: 'no supplier has this id' }] });
    const zero = await server.api.post('/api/purchase-orders', body([{ sku: product.sku, quantity: 0 }]));
    expect(zero.body.errors[0].path).toBe('lines.0.quantity');
    expect(zero.headers.get('content-type')).toContain('application/problem+json');

    const { rows } = await server.pool.query('select count(*)::int as n from purchase_orders where supplier_id = $1', [supplier.id]);
    expect(rows[0].n).toBe(0);
  });

  it('an over-receipt is a 422 naming lines.N.quantity and changes nothing', async () => {
    const { po, product, location } = await submittedOrder(12);
    const over = await receive(po.id, [{ sku: product.sku, quantity: 13 }]);
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([{ path: 'lines.0.quantity', message: `only 12 of the 12 units of ${product.sku} are still expected` }]);
    const stranger = await createProduct(server.api);
    const wrongSku = await receive(po.id, [{ sku: product.sku, quantity: 1 }, { sku: stranger.sku, quantity: 1 }]);
    expect(wrongSku.body.errors).toEqual([{ path: 'lines.1.sku', message: `is not on purchase order ${po.number}` }]);
    expect(await onHand(server, product.sku, location.id)).toBe(0);
    expect(await ledgerOf(server, product.sku)).toEqual([]);
    expect((await server.api.get(`/api/purchase-orders/${po.id}`)).body.status).toBe('submitted');
  });
});

describe('receiving is idempotent and safe under concurrency', () => {
  it('a retried receipt with the same Idempotency-Key counts once; the key with another body is refused', async () => {
    const { po, product, location } = await submittedOrder(24);
    const key = { 'idempotency-key': randomUUID() };
    const first = expectStatus(await receive(po.id, [{ sku: product.sku, quantity: 6 }], key), 200).body as PurchaseOrderBody;
    const again = expectStatus(await receive(po.id, [{ sku: product.sku, quantity: 6 }], key), 200).body as PurchaseOrderBody;
    expect(again.lines[0]!.quantityReceived).toBe(6);
    expect(again.receipts).toEqual(first.receipts);
    expect(await onHand(server, product.sku, location.id)).toBe(6);
    expect(await ledgerOf(server, product.sku)).toHaveLength(1);
    const other = await receive(po.id, [{ sku: product.sku, quantity: 7 }], key);
    expect(other.body).toMatchObject({ status: 422, type: 'idempotency_conflict' });
  });

  it('concurrent retries with one key count once', async () => {
    const { po, product, location } = await submittedOrder(24);
    const key = { 'idempotency-key': randomUUID() };
    const answers = await Promise.all(Array.from({ length: 4 }, () => receive(po.id, [{ sku: product.sku, quantity: 6 }], key)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await onHand(server, product.sku, location.id)).toBe(6);
  });

  it('five concurrent receipts of 4 against 10 ordered: two go through, the rest are refused, never more than ordered', async () => {
    const { supplier, location, product } = await buyable({ casePack: 1, minimumOrderQuantity: 1 });
    const po = expectStatus(
      await server.api.post('/api/purchase-orders', { supplierId: supplier.id, locationId: location.id, lines: [{ sku: product.sku, quantity: 10 }], submit: true }),
      201,
    ).body as PurchaseOrderBody;
    const answers = await Promise.all(Array.from({ length: 5 }, () => receive(po.id, [{ sku: product.sku, quantity: 4 }])));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 422, 422, 422]);
    for (const refused of answers.filter((a) => a.status === 422)) expect(refused.body.errors[0].path).toBe('lines.0.quantity');
    const after = (await server.api.get(`/api/purchase-orders/${po.id}`)).body as PurchaseOrderBody;
    expect(after.lines[0]).toMatchObject({ quantityOrdered: 10, quantityReceived: 8 });
    expect(await onHand(server, product.sku, location.id)).toBe(8);
    expect(after.receipts).toHaveLength(2);
  });
});

describe('who may buy and receive', () => {
  it('staff cannot raise a purchase order, receive only at their own location; a planner raises but cannot receive', async () => {
    const { po, product, location, supplier } = await submittedOrder(24);
    const elsewhere = await createLocation(server.api);
    const atHome = await newUser(server, ['staff'], { locationIds: [location.id] });
    const away = await newUser(server, ['staff'], { locationIds: [elsewhere.id] });
    const staff = await signIn(server.url, atHome.email, atHome.password);
    const otherStaff = await signIn(server.url, away.email, away.password);
    const planner = await server.tokenClient(['planner']);

    const raise = { supplierId: supplier.id, locationId: location.id, lines: [{ sku: product.sku, quantity: 12 }] };
    expect((await staff.post('/api/purchase-orders', raise)).body).toMatchObject({ status: 403, type: 'forbidden' });
    expect((await planner.post('/api/purchase-orders', raise)).status).toBe(201);
    expect((await planner.post(`/api/purchase-orders/${po.id}/receive`, { lines: [{ sku: product.sku, quantity: 6 }] })).status).toBe(403);

    const refused = await receive(po.id, [{ sku: product.sku, quantity: 6 }], {}, otherStaff);
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([{ path: 'locationId', message: 'is not one of your locations' }]);
    expect(await onHand(server, product.sku, location.id)).toBe(0);
    expect((await receive(po.id, [{ sku: product.sku, quantity: 6 }], {}, staff)).status).toBe(200);
    expect(await onHand(server, product.sku, location.id)).toBe(6);
    // Everyone on the floor sees what is inbound.
    expect((await staff.get(`/api/purchase-orders/${po.id}`)).status).toBe(200);
    const { rows } = await server.pool.query(`select action, outcome from audit_log where target_id = $1 and method = 'POST' order by id`, [po.id]);
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'purchasing:receive', outcome: 'denied' },
        { action: 'purchasing:receive', outcome: 'ok' },
      ]),
    );
  });
});

describe('inbound', () => {
  it('sums open purchase orders per SKU × location with the earliest expected date', async () => {
    const { supplier, location, product } = await buyable({ casePack: 1, minimumOrderQuantity: 1 });
    const other = await createLocation(server.api);
    const raise = async (locationId: string, quantity: number, expectedAt?: string) =>
      expectStatus(
        await server.api.post('/api/purchase-orders', { supplierId: supplier.id, locationId, lines: [{ sku: product.sku, quantity }], submit: true, expectedAt }),
        201,
      ).body as PurchaseOrderBody;
    const soon = new Date(Date.now() + 2 * DAY_MS).toISOString();
    const a = await raise(location.id, 5);
    await raise(location.id, 7, soon);
    await raise(other.id, 3);
    expectStatus(await receive(a.id, [{ sku: product.sku, quantity: 2 }]), 200);
    await addStock(server.api, product.sku, location.id, 1);

    const rows = (await server.api.get(`/api/inventory/inbound?sku=${product.sku}`)).body;
    expect(rows).toEqual(
      [
        { sku: product.sku, locationId: location.id, onOrder: 10, onDraft: 0, inTransit: 0, transferRequestedIn: 0, transferRequestedOut: 0, nextExpectedAt: soon },
        { sku: product.sku, locationId: other.id, onOrder: 3, onDraft: 0, inTransit: 0, transferRequestedIn: 0, transferRequestedOut: 0, nextExpectedAt: expect.any(String) },
      ].sort((x, y) => x.locationId.localeCompare(y.locationId)),
    );
    const one = (await server.api.get(`/api/inventory/inbound?sku=${product.sku}&locationId=${other.id}`)).body;
    expect(one).toHaveLength(1);
  });
});

describe('a receipt of many lines', () => {
  it('moves each line once, its receipt row naming its own ledger row, ledger and events in SKU order, in the request order of the lines or not', async () => {
    const [supplier, location] = await Promise.all([createSupplier(server.api), createLocation(server.api)]);
    const products = await Promise.all(Array.from({ length: 8 }, () => createProduct(server.api)));
    for (const p of products) await setTerms(server.api, supplier.id, p.sku, { unitCostCents: 100, casePack: 1, minimumOrderQuantity: 1 });
    // One SKU already stocked there, the rest with no level yet.
    await addStock(server.api, products[0]!.sku, location.id, 3);
    const po = expectStatus(
      await server.api.post('/api/purchase-orders', { supplierId: supplier.id, locationId: location.id, lines: products.map((p, i) => ({ sku: p.sku, quantity: 10 + i })), submit: true }),
      201,
    ).body as PurchaseOrderBody;
    // Received in reverse order, each line short of one unit.
    const lines = products.map((p, i) => ({ sku: p.sku, quantity: 9 + i })).reverse();
    const received = expectStatus(await receive(po.id, lines), 200).body as PurchaseOrderBody;
    expect(received.status).toBe('partially_received');
    for (const [i, p] of products.entries()) {
      expect(received.lines.find((l) => l.sku === p.sku)).toMatchObject({ quantityReceived: 9 + i, quantityOpen: 1 });
      expect(await onHand(server, p.sku, location.id)).toBe(i === 0 ? 12 : 9 + i);
    }
    const rows = await server.db.execute<{ sku: string; quantity: number; ledger_sku: string; delta: number; ledger_id: number; note: string }>(sql`
      select r.sku, r.quantity, l.sku as ledger_sku, l.on_hand_delta as delta, l.id as ledger_id, l.note
      from purchase_order_receipts r join inventory_ledger l on l.id = r.ledger_id where r.purchase_order_id = ${po.id} order by r.id`);
    const bySku = [...products].sort((a, b) => (a.sku < b.sku ? -1 : 1));
    expect(rows.rows.map((r) => r.sku)).toEqual(bySku.map((p) => p.sku));
    for (const r of rows.rows) expect({ sku: r.ledger_sku, delta: r.delta, note: r.note }).toEqual({ sku: r.sku, delta: r.quantity, note: po.number });
    const ids = rows.rows.map((r) => Number(r.ledger_id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // The adjustment that stocked the first SKU is a receipt too: the PO's are the last eight.
    const adjusted = (await eventsOf(server, location.id)).filter((e) => e.type === 'inventory.adjusted' && e.payload.reason === 'receipt').slice(-products.length);
    expect(adjusted.map((e) => e.payload.sku)).toEqual(bySku.map((p) => p.sku));
    expect(adjusted.map((e) => e.payload.onHand)).toEqual(bySku.map((p) => (p === products[0] ? 12 : 9 + products.indexOf(p))));
  });
});

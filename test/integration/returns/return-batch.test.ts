import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '#db/client.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { expectStatus } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, orderStatusOf, paymentOf, requestReturnOf, type DeliveredOrder, type ReturnBody } from './returns-fixture.ts';

/**
 * POST /api/returns/batch/{step}: many RMAs' step in one request and one transaction, each item
 * exactly as its single command, refused alone.
 */
const provider = new SandboxPaymentProvider();
let transactions = 0;
let server: TestServer;
let historian: ApiClient;

function countTransactions(db: Database): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) => {
    transactions += 1;
    return transaction(fn, config);
  }) as Database['transaction'];
  return db;
}

beforeAll(async () => {
  server = await startTestServer({ payments: provider, wrapDb: countTransactions });
  historian = await server.tokenClient(['manager', 'simulator']);
});
afterAll(() => server.close());

interface BatchAnswer {
  summary: { returns: number; applied: number; failed: number };
  results: { index: number; returnId: string | null; status: number; return?: ReturnBody; problem?: { status: number; errors?: { path: string; message: string }[] } }[];
}

async function batch(step: string, returns: Record<string, unknown>[], client: ApiClient = server.api): Promise<BatchAnswer> {
  return expectStatus(await client.post(`/api/returns/batch/${step}`, { returns }), 200).body as BatchAnswer;
}

const twoLines = () => [
  { priceCents: 2500, quantity: 2, category: 'apparel' },
  { priceCents: 4000, quantity: 1, category: 'footwear' },
];

/** What a lifecycle wrote for an order, without what differs between twins (ids, numbers, SKUs, moments). */
async function written(delivered: DeliveredOrder) {
  const skuIndex = new Map(delivered.products.map((p, i) => [p.sku, `sku${i}`]));
  const anonymous = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (key, v: unknown) => {
      if (typeof v === 'string' && skuIndex.has(v)) return skuIndex.get(v);
      return ['returnId', 'rmaNumber', 'paymentId', 'locationId', 'requestedAt', 'receivedAt', 'resolvedAt', 'deliveredAt', 'postalCode'].includes(key) ? '…' : v;
    });
  const { rows: events } = await server.pool.query('select type, payload from outbox where aggregate_id = $1 and type like $2 order by id', [delivered.order.id, 'return.%']);
  const { rows: refunds } = await server.pool.query(`select type, payload from outbox where aggregate_id = $1 and type = 'payment.refunded' order by id`, [delivered.order.id]);
  const { rows: rmas } = await server.pool.query(
    `select r.status, r.resolution, r.refunded_cents, r.store_credit_cents, rl.quantity, rl.received_quantity, rl.restock_quantity, rl.scrap_quantity, rl.reason
     from returns r join return_lines rl on rl.return_id = r.id where r.order_id = $1 order by rl.quantity, rl.reason`,
    [delivered.order.id],
  );
  const { rows: ledger } = await server.pool.query(`select on_hand_delta, reason from inventory_ledger where order_id = $1 and reason = 'return' order by on_hand_delta`, [delivered.order.id]);
  return {
    events: anonymous(events),
    refunds: anonymous(refunds),
    rmas,
    ledger,
    payment: await paymentOf(server, delivered.paymentId),
    orderStatus: await orderStatusOf(server, delivered.order.id),
  };
}

function requestBody(delivered: DeliveredOrder) {
  return {
    order: delivered.order.number,
    lines: [
      { sku: delivered.products[0]!.sku, quantity: 2, reason: 'size_or_fit' },
      { sku: delivered.products[1]!.sku, quantity: 1, reason: 'defective' },
    ],
  };
}

function receiptBody(delivered: DeliveredOrder, rma: ReturnBody) {
  // In the order of the order's lines, not of their SKUs (random in each twin), so twins' receipts read alike.
  const position = (sku: string) => delivered.products.findIndex((p) => p.sku === sku);
  return {
    locationId: delivered.location.id,
    lines: [...rma.lines].sort((a, b) => position(a.sku) - position(b.sku)).map((l) => ({ returnLineId: l.id, quantity: l.quantity, disposition: l.reason === 'defective' ? { scrap: l.quantity } : { restock: l.quantity } })),
  };
}

describe('the steps of many RMAs in one request', () => {
  it('writes exactly what the single commands write, in one transaction a step', async () => {
    const alone = [await deliveredOrder(server, provider, twoLines()), await deliveredOrder(server, provider, twoLines())];
    const together = [await deliveredOrder(server, provider, twoLines()), await deliveredOrder(server, provider, twoLines())];

    for (const delivered of alone) {
      const rma = expectStatus(await server.api.post('/api/returns', requestBody(delivered)), 201).body as ReturnBody;
      expectStatus(await server.api.post(`/api/returns/${rma.id}/authorize`, {}), 200);
      expectStatus(await server.api.post(`/api/returns/${rma.id}/receive`, receiptBody(delivered, rma)), 200);
      expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund', includeShipping: true }), 200);
    }

    const before = transactions;
    const requested = await batch('request', together.map(requestBody));
    expect(requested.summary).toEqual({ returns: 2, applied: 2, failed: 0 });
    expect(requested.results.map((r) => r.status)).toEqual([201, 201]);
    const rmas = requested.results.map((r) => r.return!);
    expect(rmas.map((r) => r.orderId)).toEqual(together.map((d) => d.order.id));
    expect(rmas.map((r) => r.status)).toEqual(['requested', 'requested']);
    const authorized = await batch('authorize', rmas.map((r) => ({ returnId: r.id })));
    expect(authorized.results.map((r) => r.return?.status)).toEqual(['authorized', 'authorized']);
    // By RMA number too, as the single routes take it.
    const received = await batch('receive', rmas.map((r, i) => ({ returnId: r.number, ...receiptBody(together[i]!, r) })));
    expect(received.results.map((r) => [r.returnId, r.return?.status])).toEqual(rmas.map((r) => [r.id, 'inspected']));
    const resolved = await batch('resolve', rmas.map((r) => ({ returnId: r.id, kind: 'refund', includeShipping: true })));
    expect(resolved.results.map((r) => r.return?.status)).toEqual(['resolved', 'resolved']);
    // One transaction a step, whatever the number of RMAs.
    expect(transactions - before).toBe(4);

    for (let i = 0; i < 2; i++) expect(await written(together[i]!)).toEqual(await written(alone[i]!));
    expect((await written(together[0]!)).orderStatus).toBe('returned');
    expect((await written(together[0]!)).payment.refundedCents).toBeGreaterThan(0);
  });

  it('refuses a bad item alone, naming its field inside the batch, and writes nothing for it', async () => {
    const good = await deliveredOrder(server, provider, twoLines());
    const greedy = await deliveredOrder(server, provider, twoLines());
    const answer = await batch('request', [
      requestBody(good),
      { ...requestBody(greedy), lines: [{ sku: greedy.products[0]!.sku, quantity: 3, reason: 'size_or_fit' }] },
      { order: 'NO-SUCH-ORDER', lines: [{ sku: 'X', quantity: 1, reason: 'size_or_fit' }] },
      { ...requestBody(good), returnId: 'R1' },
      { ...requestBody(good), lines: [] },
    ]);
    expect(answer.summary).toEqual({ returns: 5, applied: 1, failed: 4 });
    expect(answer.results.map((r) => r.status)).toEqual([201, 422, 404, 422, 422]);
    expect(answer.results[1]!.problem!.errors).toEqual([{ path: 'returns.1.lines.0.quantity', message: expect.stringMatching(/only 2 of the 2 delivered units/) }]);
    expect(answer.results[3]!.problem!.errors).toEqual([{ path: 'returns.3.returnId', message: expect.stringMatching(/names its order/) }]);
    expect(answer.results[4]!.problem!.errors).toEqual([{ path: 'returns.4.lines', message: 'a return needs at least one line' }]);
    const { rows } = await server.pool.query('select count(*)::int as n from returns where order_id = $1', [greedy.order.id]);
    expect(rows[0].n).toBe(0);
    expect(await orderStatusOf(server, greedy.order.id)).toBe('delivered');

    // The same RMA twice: the second is refused as the single command would be; an unknown RMA is a 404.
    const rma = answer.results[0]!.return!;
    const authorized = await batch('authorize', [{ returnId: rma.id }, { returnId: rma.id }, { returnId: 'R999999999' }, { returnId: rma.id, idempotencyKey: 'authorize-twice-0001' }]);
    expect(authorized.results.map((r) => r.status)).toEqual([200, 409, 404, 422]);
    expect(authorized.results[3]!.problem!.errors).toEqual([{ path: 'returns.3.idempotencyKey', message: expect.stringMatching(/takes none/) }]);
    const audit = await server.pool.query(`select status from audit_log where target_type = 'returns' and target_id = $1 and detail->>'step' = 'authorize' order by status`, [rma.id]);
    expect(audit.rows.map((r) => r.status)).toEqual([200, 409, 422]);
  });

  it('acts once for a key however often the batch is sent, and shares the key with the single command', async () => {
    const first = await deliveredOrder(server, provider, twoLines());
    const second = await deliveredOrder(server, provider, twoLines());
    const items = [
      { ...requestBody(first), idempotencyKey: `rma-batch-${first.order.id}` },
      { ...requestBody(second), idempotencyKey: `rma-batch-${second.order.id}` },
    ];
    const once = await batch('request', items);
    const again = await batch('request', items);
    expect(again.results.map((r) => r.status)).toEqual([201, 201]);
    expect(again.results.map((r) => r.returnId)).toEqual(once.results.map((r) => r.returnId));
    const single = await server.api.post('/api/returns', requestBody(first), { 'idempotency-key': `rma-batch-${first.order.id}` });
    expect((expectStatus(single, 201).body as ReturnBody).id).toBe(once.results[0]!.returnId);
    const { rows } = await server.pool.query('select count(*)::int as n from returns where order_id = any($1::uuid[])', [[first.order.id, second.order.id]]);
    expect(rows[0].n).toBe(2);
    // The key with another body is refused; the RMA stays as it was.
    const conflict = await batch('request', [{ ...items[0]!, lines: [{ sku: first.products[0]!.sku, quantity: 1, reason: 'size_or_fit' }] }]);
    expect(conflict.results[0]!.status).toBe(422);

    // A receipt keyed in a batch, retried: the units go back on hand once.
    const rma = once.results[0]!.return!;
    const receipt = { returnId: rma.id, idempotencyKey: `receipt-${rma.id}`, ...receiptBody(first, rma) };
    const stock = async () => (await server.pool.query('select on_hand from inventory_levels where sku = $1 and location_id = $2', [first.products[0]!.sku, first.location.id])).rows[0].on_hand as number;
    const onHand = await stock();
    expect((await batch('receive', [receipt])).results[0]!.status).toBe(200);
    expect((await batch('receive', [receipt])).results[0]!.status).toBe(200);
    expect(await stock()).toBe(onHand + 2);
  });

  it('when a write is refused (a refund the captured payment cannot cover), runs the items one by one: the others still go through, once', async () => {
    const paid = await deliveredOrder(server, provider, twoLines());
    const short = await deliveredOrder(server, provider, twoLines(), { capturedCents: 1000 });
    const rmas = [await requestReturnOf(server, paid.order.number, requestBody(paid).lines), await requestReturnOf(server, short.order.number, requestBody(short).lines)];
    await batch('receive', rmas.map((r, i) => ({ returnId: r.id, ...receiptBody([paid, short][i]!, r) })));
    const resolved = await batch('resolve', rmas.map((r) => ({ returnId: r.id, kind: 'refund' })));
    expect(resolved.results.map((r) => r.status)).toEqual([200, 409]);
    expect(resolved.results[1]!.problem!.errors![0]!.path).toBe('returns.1.kind');
    const refunds = await server.pool.query(`select count(*)::int as n from outbox where aggregate_id = $1 and type = 'payment.refunded'`, [paid.order.id]);
    expect(refunds.rows[0].n).toBe(1);
    expect((await paymentOf(server, paid.paymentId)).refundedCents).toBe(resolved.results[0]!.return!.refundedCents);
    // The refused one is untouched and can be settled otherwise.
    const credit = await batch('resolve', [{ returnId: rmas[1]!.id, kind: 'store_credit' }]);
    expect(credit.results[0]!.return).toMatchObject({ status: 'resolved', resolution: 'store_credit' });
  });

  it('dates each item with asOf for history:write only', async () => {
    const delivered = await deliveredOrder(server, provider, twoLines(), { deliveredAt: new Date(Date.now() - 5 * 86_400_000) });
    const rma = await requestReturnOf(server, delivered.order.number, requestBody(delivered).lines);
    const asOf = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const denied = await batch('authorize', [{ returnId: rma.id, asOf }]);
    expect(denied.results[0]!.status).toBe(403);
    expect(denied.results[0]!.problem!.errors).toEqual([{ path: 'returns.0.asOf', message: 'needs history:write' }]);
    const dated = await batch('authorize', [{ returnId: rma.id, asOf }], historian);
    expect(dated.results[0]!.return!.authorizedAt).toBe(asOf);
    const { rows } = await server.pool.query(`select occurred_at from outbox where aggregate_id = $1 and type = 'return.authorized'`, [delivered.order.id]);
    expect(rows.map((r) => (r.occurred_at as Date).toISOString())).toEqual([asOf]);
  });
});

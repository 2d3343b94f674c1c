import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBody, placeOrder, stockedProduct, uniqueEmail } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

/**
 * Order capture writes the orders that arrive together in one statement. With one statement
 * at a time, concurrent orders are sure to share statements; each must still get exactly
 * the outcome it would have had alone.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ orderWriter: { maxInFlight: 1, maxBatch: 16 }, orderContextReader: { maxInFlight: 1, maxBatch: 16 } });
});
afterAll(() => server.close());

async function books(sku: string) {
  const { rows } = await server.pool.query(
    `select coalesce(sum(l.on_hand), 0)::int as on_hand, coalesce(sum(l.reserved), 0)::int as reserved,
            (select coalesce(sum(reserved_delta), 0)::int from inventory_ledger where sku = $1) as ledger_reserved,
            (select coalesce(sum(quantity), 0)::int from order_allocations where sku = $1 and released_at is null) as allocated,
            (select count(*)::int from order_lines where sku = $1) as lines
     from inventory_levels l where l.sku = $1`,
    [sku],
  );
  return rows[0];
}

/** Every row order capture wrote for one order, without what differs between twins (ids, numbers, emails, moments). */
async function writtenRows(orderId: string) {
  const one = async (text: string) => (await server.pool.query(text, [orderId])).rows;
  return {
    order: await one(`select status, channel, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents,
      delivery_method, delivery_service, promotion_code, shipping_address_id is not null as has_address from orders where id = $1`),
    lines: await one(`select line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents, backordered_quantity
      from order_lines where order_id = $1 order by line_no`),
    payments: await one(`select provider, method, status, currency, authorized_cents, captured_cents from payments where order_id = $1 order by provider`),
    events: await one(`select type, payload from outbox where aggregate_id = $1 order by id`),
    audit: await one(`select action, method, path, target_type, status, outcome from audit_log where target_id = $1::text`),
    sourcing: await one(`select strategy, total_cost_cents, decision - 'decidedAt' as decision from order_sourcing_decisions where order_id = $1`),
    allocations: await one(`select a.sku, a.location_id, a.quantity, l.line_no, a.released_at from order_allocations a
      join order_lines l on l.id = a.order_line_id where a.order_id = $1 order by l.line_no, a.location_id`),
    ledger: await one(`select sku, location_id, reserved_delta, on_hand_delta, reason from inventory_ledger where order_id = $1 order by sku, location_id`),
  };
}

describe('orders written together (group commit)', () => {
  it('40 concurrent orders of one customer share statements: all placed, one customer, numbers distinct, books agree', async () => {
    const { product } = await stockedProduct(server.api, 100);
    const email = uniqueEmail('group');
    const before = server.orderWriter.stats();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: `Name ${i}` } })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    const after = server.orderWriter.stats();
    expect(after.orders - before.orders).toBe(40);
    expect(after.statements - before.statements).toBeLessThan(40);
    expect(new Set(results.map((r) => r.body.number)).size).toBe(40);

    const customers = await server.pool.query('select count(*)::int as n from customers where email = $1', [email]);
    expect(customers.rows[0].n).toBe(1);
    const events = await server.pool.query(
      `select count(*)::int as n from outbox where aggregate_id = any($1::uuid[])`,
      [results.map((r) => r.body.id)],
    );
    expect(events.rows[0].n).toBe(40 * 3);
    expect(await books(product.sku)).toEqual({ on_hand: 100, reserved: 80, ledger_reserved: 80, allocated: 80, lines: 40 });
  });

  it('when a shared statement fails because one SKU ran out, the orders for other SKUs are still placed', async () => {
    const scarce = (await stockedProduct(server.api, 5)).product;
    const plenty = (await stockedProduct(server.api, 1000)).product;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        placeOrder(server.api, orderBody([{ sku: i % 2 === 0 ? scarce.sku : plenty.sku, quantity: 1 }])),
      ),
    );
    const scarceStatuses = results.filter((_, i) => i % 2 === 0).map((r) => r.status);
    expect(scarceStatuses.filter((s) => s === 201)).toHaveLength(5);
    expect(scarceStatuses.filter((s) => s === 409)).toHaveLength(15);
    expect(results.filter((_, i) => i % 2 === 1).map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await books(scarce.sku)).toEqual({ on_hand: 5, reserved: 5, ledger_reserved: 5, allocated: 5, lines: 5 });
    expect(await books(plenty.sku)).toEqual({ on_hand: 1000, reserved: 20, ledger_reserved: 20, allocated: 20, lines: 20 });
  });

  it('a shared statement whose planned units were taken is written again once, locked: nothing oversold, the others placed', async () => {
    // Every order plans from the same unlocked read of 6 units, so the first statement takes
    // them and those after it fail as a whole; each is planned again under lock at once, in
    // order, rather than as one statement and then one locked transaction per order.
    const scarce = (await stockedProduct(server.api, 6, { backorderable: false })).product;
    const plenty = (await stockedProduct(server.api, 1000)).product;
    const before = server.orderWriter.stats();
    const results = await Promise.all(
      Array.from({ length: 48 }, (_, i) => placeOrder(server.api, orderBody([{ sku: i % 3 === 0 ? scarce.sku : plenty.sku, quantity: 1 }]))),
    );
    const after = server.orderWriter.stats();
    const scarceStatuses = results.filter((_, i) => i % 3 === 0).map((r) => r.status);
    expect(scarceStatuses.filter((s) => s === 201)).toHaveLength(6);
    expect(scarceStatuses.filter((s) => s === 409)).toHaveLength(10);
    expect(results.filter((_, i) => i % 3 !== 0).map((r) => r.status)).toEqual(Array(32).fill(201));
    expect(after.replanned - before.replanned).toBeGreaterThan(0);
    // 48 orders in batches of at most 16: a few statements, not one or two per order.
    expect(after.statements - before.statements).toBeLessThanOrEqual(8);
    expect(await books(scarce.sku)).toEqual({ on_hand: 6, reserved: 6, ledger_reserved: 6, allocated: 6, lines: 6 });
    expect(await books(plenty.sku)).toEqual({ on_hand: 1000, reserved: 32, ledger_reserved: 32, allocated: 32, lines: 32 });
    // Planned again, an order keeps everything else it was: its decision names where its units come from.
    const placed = results.filter((r, i) => i % 3 === 0 && r.status === 201).map((r) => r.body.id as string);
    const decisions = await server.pool.query('select count(*)::int as n from order_sourcing_decisions where order_id = any($1::uuid[])', [placed]);
    expect(decisions.rows[0].n).toBe(6);
  });

  it('an order written in a shared statement leaves exactly the rows its twin leaves written alone', async () => {
    const first = await stockedProduct(server.api, 100);
    const second = await stockedProduct(server.api, 100);
    const body = () => orderBody([{ sku: first.product.sku, quantity: 2 }, { sku: second.product.sku, quantity: 1 }]);
    const alone = await placeOrder(server.api, body());
    expect(alone.status).toBe(201);
    const before = server.orderWriter.stats();
    const together = await Promise.all(Array.from({ length: 12 }, () => placeOrder(server.api, body())));
    const after = server.orderWriter.stats();
    expect(after.statements - before.statements).toBeLessThan(12);
    const expected = await writtenRows(alone.body.id);
    expect(expected.events.map((e) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated']);
    expect(expected.allocations).toHaveLength(2);
    expect(expected.audit).toHaveLength(1);
    expect(expected.sourcing).toHaveLength(1);
    for (const twin of together) {
      expect(twin.status).toBe(201);
      expect(await writtenRows(twin.body.id)).toEqual(expected);
    }
    expect(await books(first.product.sku)).toEqual({ on_hand: 100, reserved: 26, ledger_reserved: 26, allocated: 26, lines: 13 });
  });

  it('two batches racing for the last units never oversell, and the orders of other SKUs in them are placed', async () => {
    const scarce = (await stockedProduct(server.api, 7, { backorderable: false })).product;
    const plenty = (await stockedProduct(server.api, 1000)).product;
    const batch = () => ({
      orders: Array.from({ length: 20 }, (_, i) => ({
        ...orderBody([{ sku: i % 2 === 0 ? scarce.sku : plenty.sku, quantity: 1 }]),
        idempotencyKey: randomUUID(),
      })),
    });
    const responses = await Promise.all([server.api.post('/api/orders/batch', batch()), server.api.post('/api/orders/batch', batch())]);
    const results = responses.flatMap((r) => {
      expect(r.status).toBe(200);
      return r.body.results as { index: number; status: number }[];
    });
    const scarceResults = results.filter((r) => r.index % 2 === 0);
    expect(scarceResults.filter((r) => r.status === 201)).toHaveLength(7);
    expect(scarceResults.filter((r) => r.status === 409)).toHaveLength(13);
    expect(results.filter((r) => r.index % 2 === 1).map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await books(scarce.sku)).toEqual({ on_hand: 7, reserved: 7, ledger_reserved: 7, allocated: 7, lines: 7 });
    expect(await books(plenty.sku)).toEqual({ on_hand: 1000, reserved: 20, ledger_reserved: 20, allocated: 20, lines: 20 });
  });

  it('the same Idempotency-Key 30 times concurrently, among other orders, places one order for it', async () => {
    const { product } = await stockedProduct(server.api, 200);
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0 ? placeOrder(server.api, body, key) : placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }])),
      ),
    );
    const repeated = results.filter((_, i) => i % 2 === 0);
    expect(new Set(repeated.map((r) => r.body.id)).size).toBe(1);
    expect(repeated.filter((r) => r.status === 201)).toHaveLength(1);
    expect(repeated.filter((r) => r.status === 200)).toHaveLength(29);
    expect(results.filter((_, i) => i % 2 === 1).map((r) => r.status)).toEqual(Array(30).fill(201));
    expect((await books(product.sku)).lines).toBe(31);
  });

  it('one externalRef sent concurrently under 20 different keys places one order', async () => {
    const { product } = await stockedProduct(server.api, 100);
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'marketplace', externalRef: `MP-${randomUUID()}` });
    const results = await Promise.all(Array.from({ length: 20 }, () => placeOrder(server.api, body)));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect((await books(product.sku)).lines).toBe(1);
  });

  it('orders read together: each gets the answer to its own references, a bad one fails alone', async () => {
    const { product } = await stockedProduct(server.api, 100);
    const before = server.orderContextReader.stats();
    const bodies = Array.from({ length: 30 }, (_, i) => {
      if (i % 10 === 3) return orderBody([{ sku: `NO-SUCH-${randomUUID()}`, quantity: 1 }]);
      if (i % 10 === 7) return { ...orderBody([{ sku: product.sku, quantity: 1 }]), promotionCode: 'NOT-A-CODE' };
      return orderBody([{ sku: product.sku, quantity: 1 + (i % 3) }]);
    });
    const results = await Promise.all(bodies.map((body) => placeOrder(server.api, body)));
    const after = server.orderContextReader.stats();
    expect(after.statements - before.statements).toBeLessThan(30);
    results.forEach((result, i) => {
      if (i % 10 === 3) {
        expect(result.status).toBe(422);
        expect(result.body.errors).toEqual([expect.objectContaining({ path: 'lines.0.sku' })]);
      } else if (i % 10 === 7) {
        expect(result.status).toBe(422);
        expect(result.body.errors).toEqual([expect.objectContaining({ path: 'promotionCode' })]);
      } else {
        expect(result.status).toBe(201);
        expect(result.body.lines[0].quantity).toBe(1 + (i % 3));
      }
    });
  });
});

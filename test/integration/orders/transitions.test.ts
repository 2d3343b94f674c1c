import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderTransitions } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const statuses = Object.keys(orderTransitions) as OrderStatus[];
/** A status an order really can be held from, for orders forced straight into on_hold. */
const heldFrom: OrderStatus = 'allocated';

/** A fresh allocated order of 2 units, then forced into `status` behind the API's back. */
async function orderIn(status: OrderStatus, statusBeforeHold: OrderStatus | null = status === 'on_hold' ? heldFrom : null) {
  const { product } = await stockedProduct(server.api, 10);
  const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
  await server.pool.query('update orders set status = $1, status_before_hold = $2 where id = $3', [status, statusBeforeHold, order.id]);
  return { id: order.id, sku: product.sku };
}

async function stored(orderId: string, sku: string) {
  const { rows } = await server.pool.query(
    `select o.status, o.status_before_hold as "statusBeforeHold",
       (select coalesce(sum(reserved), 0)::int from inventory_levels where sku = $2) as reserved,
       (select count(*)::int from outbox where aggregate_id = o.id) as events
     from orders o where o.id = $1`,
    [orderId, sku],
  );
  return rows[0] as { status: OrderStatus; statusBeforeHold: OrderStatus | null; reserved: number; events: number };
}

function act(action: string, orderId: string) {
  return server.api.post(`/api/orders/${orderId}/${action}`, {});
}

interface TransitionCase {
  action: 'cancel' | 'hold' | 'release';
  from: OrderStatus;
  statusBeforeHold: OrderStatus | null;
  /** The status the order ends in when the transition table allows the action, else null. */
  to: OrderStatus | null;
}

const targetOf = { cancel: 'cancelled', hold: 'on_hold' } as const;

const cancelAndHold: TransitionCase[] = statuses.flatMap((from) =>
  (['cancel', 'hold'] as const).map((action) => ({
    action,
    from,
    statusBeforeHold: from === 'on_hold' ? heldFrom : null,
    to: orderTransitions[from].includes(targetOf[action]) ? targetOf[action] : null,
  })),
);

/** Releasing is only for held orders; it returns them to where they were, if the table lets on_hold go there. */
const releases: TransitionCase[] = [
  ...statuses.filter((from) => from !== 'on_hold').map((from) => ({ action: 'release' as const, from, statusBeforeHold: null, to: null })),
  ...statuses
    .filter((before) => orderTransitions[before].includes('on_hold'))
    .map((before) => ({
      action: 'release' as const,
      from: 'on_hold' as const,
      statusBeforeHold: before,
      to: orderTransitions.on_hold.includes(before) ? before : null,
    })),
];

const cases = [...cancelAndHold, ...releases].map((c) => ({
  ...c,
  name: `${c.action} an order that is ${c.from}${c.statusBeforeHold ? ` (held from ${c.statusBeforeHold})` : ''}: ${
    c.to ? `200, it becomes ${c.to}` : '409 invalid_transition and nothing changes'
  }`,
}));

describe('every transition the transition table allows or forbids, through the API', () => {
  it('covers every status with cancel, hold and release', () => {
    for (const status of statuses) {
      for (const action of ['cancel', 'hold', 'release']) expect(cases.some((c) => c.from === status && c.action === action)).toBe(true);
    }
  });

  it.each(cases.map((c): [string, TransitionCase] => [c.name, c]))('%s', async (_name, { action, from, statusBeforeHold, to }) => {
    const order = await orderIn(from, statusBeforeHold);
    const before = await stored(order.id, order.sku);

    const response = await act(action, order.id);

    if (to) {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ id: order.id, status: to });
      const after = await stored(order.id, order.sku);
      expect(after.status).toBe(to);
      expect(after.events).toBeGreaterThan(before.events);
      if (action === 'hold') expect(after.statusBeforeHold).toBe(from);
      if (action === 'release' || action === 'cancel') expect(after.statusBeforeHold).toBeNull();
      expect(after.reserved).toBe(action === 'cancel' ? 0 : before.reserved);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'invalid_transition', status: 409 });
      expect(await stored(order.id, order.sku)).toEqual(before);
    }
  });
});

describe('cancelling', () => {
  it('an allocated order gives its stock back, voids its payment and records both on its timeline', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }]));

    const response = await server.api.post(`/api/orders/${order.id}/cancel`, { reason: 'customer changed their mind' });

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'customer changed their mind',
      payment: { status: 'voided' },
      lines: [{ sku: product.sku, allocations: [] }],
    });
    expect(response.body.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['order.cancelled', 'payment.voided']));
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([
      { sku: product.sku, locationId: location.id, onHand: 10, reserved: 0, safetyStock: 0, available: 10, bin: null },
    ]);
    const ledger = await server.pool.query('select reason, reserved_delta, order_id from inventory_ledger where sku = $1 order by id', [product.sku]);
    expect(ledger.rows).toEqual([
      { reason: 'receipt', reserved_delta: 0, order_id: null },
      { reason: 'reservation', reserved_delta: 3, order_id: order.id },
      { reason: 'release', reserved_delta: -3, order_id: order.id },
    ]);
    const allocations = await server.pool.query('select released_at from order_allocations where order_id = $1', [order.id]);
    expect(allocations.rows.length).toBeGreaterThan(0);
    expect(allocations.rows.every((a) => a.released_at !== null)).toBe(true);
    const payments = await server.pool.query('select status from payments where order_id = $1', [order.id]);
    expect(payments.rows).toEqual([{ status: 'voided' }]);
  });

  it('twice is a 409 the second time, and the stock is released only once', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }]));
    expect((await act('cancel', order.id)).status).toBe(200);

    const second = await act('cancel', order.id);

    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ type: 'invalid_transition' });
    const releases = await server.pool.query("select count(*)::int as n from inventory_ledger where sku = $1 and reason = 'release'", [product.sku]);
    expect(releases.rows[0].n).toBe(1);
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body[0]).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('accepts the order number as well as its id', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const response = await act('cancel', order.number);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: order.id, status: 'cancelled' });
  });
});

describe('holding', () => {
  it('keeps the reservation, and releasing returns the order to its previous status', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 4 }]));
    const reservedAtLocation = { sku: product.sku, locationId: location.id, onHand: 10, reserved: 4, safetyStock: 0, available: 6, bin: null };

    const held = await server.api.post(`/api/orders/${order.id}/hold`, { reason: 'fraud review' });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ status: 'on_hold', holdReason: 'fraud review', lines: [{ allocations: [{ locationId: location.id, quantity: 4 }] }] });
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([reservedAtLocation]);

    const released = await act('release', order.id);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'allocated', holdReason: null, lines: [{ allocations: [{ locationId: location.id, quantity: 4 }] }] });
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([reservedAtLocation]);
    expect(released.body.events.map((e: { type: string }) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated', 'order.held', 'order.released']);
  });

  it('a held order can be cancelled, which releases its stock', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 4 }]));
    expect((await act('hold', order.id)).status).toBe(200);
    const cancelled = await act('cancel', order.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body[0]).toMatchObject({ reserved: 0 });
    expect((await act('release', order.id)).status).toBe(409);
  });
});

describe('an order that does not exist', () => {
  it.each(['cancel', 'hold', 'release'])('%s of an unknown id or number is a 404 not_found', async (action) => {
    for (const id of [randomUUID(), 'T999999999999']) {
      const response = await act(action, id);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'not_found' });
    }
  });
});

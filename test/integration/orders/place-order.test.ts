import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationRequest } from '#server/payments/payment-provider.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { addStock, createLocation, createProduct, orderBody, placeOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('placing an order', () => {
  it('prices on the server, reserves stock and returns 201 with the contract shape', async () => {
    const { product, location } = await stockedProduct(server.api, 10);
    const response = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    expect(response.status).toBe(201);
    const order = response.body;
    expect(order).toMatchObject({
      status: 'allocated',
      channel: 'web',
      currency: 'USD',
      lines: [{ sku: product.sku, quantity: 2, unitPriceCents: 1999, allocations: [{ locationId: location.id, quantity: 2 }] }],
    });
    // TX tax 6.25% of 39.98 = 2.50; standard shipping 5.99 below the free threshold.
    expect(order.totals).toEqual({ subtotal: 3998, discount: 0, tax: 250, shipping: 599, total: 4847 });
    expect(order.number).toMatch(/^T\d+$/);
    expect(Date.parse(order.createdAt)).not.toBeNaN();

    const inventory = await server.api.get(`/api/inventory?sku=${product.sku}`);
    expect(inventory.body).toEqual([{ sku: product.sku, locationId: location.id, onHand: 10, reserved: 2, safetyStock: 0, available: 8, bin: null }]);
  });

  it('writes order.placed, payment.authorized and order.allocated to the timeline', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const placed = await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const fetched = await server.api.get(`/api/orders/${placed.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.events.map((e: { type: string }) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated']);
    const byNumber = await server.api.get(`/api/orders/${placed.body.number}`);
    expect(byNumber.body.id).toBe(placed.body.id);
  });

  it('200 concurrent orders for the last 25 units: exactly 25 succeed and the books agree', async () => {
    const { product, location } = await stockedProduct(server.api, 25);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 409)).toHaveLength(175);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.type === 'out_of_stock')).toBe(true);

    const { rows } = await server.pool.query(
      `select l.on_hand, l.reserved,
              (select coalesce(sum(reserved_delta), 0)::int from inventory_ledger where sku = $1 and location_id = $2) as ledger_reserved,
              (select coalesce(sum(on_hand_delta), 0)::int from inventory_ledger where sku = $1 and location_id = $2) as ledger_on_hand,
              (select coalesce(sum(quantity), 0)::int from order_allocations where sku = $1 and released_at is null) as allocated
       from inventory_levels l where l.sku = $1 and l.location_id = $2`,
      [product.sku, location.id],
    );
    expect(rows[0]).toEqual({ on_hand: 25, reserved: 25, ledger_reserved: 25, ledger_on_hand: 25, allocated: 25 });
  });

  it('the same Idempotency-Key sent 50 times concurrently places one order', async () => {
    const { product } = await stockedProduct(server.api, 100);
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const results = await Promise.all(Array.from({ length: 50 }, () => placeOrder(server.api, body, 'same-key-' + product.sku)));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(49);
    const { rows } = await server.pool.query('select count(*)::int as n from order_lines where sku = $1', [product.sku]);
    expect(rows[0].n).toBe(1);
  });
});

/** The sandbox, with a hook that runs while a card is being authorized: between the order's read of stock and its write. */
class AuthorizeHookProvider extends SandboxPaymentProvider {
  duringAuthorize: (() => Promise<void>) | undefined;
  readonly voided: string[] = [];
  override async authorize(request: AuthorizationRequest) {
    const hook = this.duringAuthorize;
    this.duringAuthorize = undefined;
    await hook?.();
    return super.authorize(request);
  }
  override async void(authorizationId: string) {
    this.voided.push(authorizationId);
    return super.void(authorizationId);
  }
}

describe('stock that moves while the card is authorized', () => {
  const payments = new AuthorizeHookProvider();
  let racy: TestServer;
  beforeAll(async () => {
    racy = await startTestServer({ payments });
  });
  afterAll(() => racy.close());

  it('is planned again from what is left: the order ships from the next location', async () => {
    const near = await createLocation(racy.api, { lat: 30.3, lon: -97.7 });
    const far = await createLocation(racy.api, { lat: 40.7, lon: -74.0 });
    const product = await createProduct(racy.api);
    await addStock(racy.api, product.sku, near.id, 5);
    await addStock(racy.api, product.sku, far.id, 10);
    payments.duringAuthorize = async () => {
      await racy.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: near.id, delta: -4, reason: 'damage' });
    };

    const placed = await placeOrder(racy.api, orderBody([{ sku: product.sku, quantity: 3 }]));
    expect(placed.status).toBe(201);
    expect(placed.body.lines[0].allocations).toEqual([{ locationId: far.id, quantity: 3 }]);
    const inventory = await racy.api.get(`/api/inventory?sku=${product.sku}`);
    const reservedAt = Object.fromEntries(inventory.body.map((l: { locationId: string; reserved: number }) => [l.locationId, l.reserved]));
    expect(reservedAt).toEqual({ [near.id]: 0, [far.id]: 3 });
    expect(payments.voided).toEqual([]);
  });

  it('is refused with 409 out_of_stock when none is left, the authorization is voided and nothing is written', async () => {
    const { product, location } = await stockedProduct(racy.api, 2);
    payments.duringAuthorize = async () => {
      await racy.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: -2, reason: 'damage' });
    };
    const voidedBefore = payments.voided.length;
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const refused = await placeOrder(racy.api, body);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('out_of_stock');
    expect(payments.voided).toHaveLength(voidedBefore + 1);
    const { rows } = await racy.pool.query(
      `select (select count(*)::int from order_lines where sku = $1) as lines,
              (select reserved from inventory_levels where sku = $1) as reserved,
              (select count(*)::int from customers where email = $2) as customers`,
      [product.sku, body.customer.email],
    );
    expect(rows[0]).toEqual({ lines: 0, reserved: 0, customers: 0 });
  });
});

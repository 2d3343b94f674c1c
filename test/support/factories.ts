import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api-client.ts';

/** A short unique suffix so that tests never collide on SKUs, codes or emails. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function expectStatus(response: { status: number; body: unknown }, status: number) {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

export async function createLocation(api: ApiClient, overrides: Record<string, unknown> = {}) {
  const response = await api.post('/api/locations', {
    code: unique('LOC'),
    name: 'Test warehouse',
    kind: 'warehouse',
    lat: 32.78,
    lon: -96.8,
    dailyCapacity: 1000,
    region: 'TX',
    ...overrides,
  });
  return expectStatus(response, 201).body as { id: string; code: string };
}

export async function createProduct(api: ApiClient, overrides: Record<string, unknown> = {}) {
  const response = await api.post('/api/products', {
    sku: unique('SKU'),
    name: 'Test product',
    category: 'apparel',
    priceCents: 1999,
    currency: 'USD',
    weightGrams: 250,
    ...overrides,
  });
  return expectStatus(response, 201).body as { sku: string; priceCents: number };
}

export async function addStock(api: ApiClient, sku: string, locationId: string, delta: number) {
  const response = await api.post('/api/inventory/adjustments', { sku, locationId, delta, reason: 'receipt' });
  return expectStatus(response, 201).body;
}

/** A product stocked at a new location: the usual starting point of an order test. */
export async function stockedProduct(api: ApiClient, quantity: number, productOverrides: Record<string, unknown> = {}) {
  const location = await createLocation(api);
  const product = await createProduct(api, productOverrides);
  await addStock(api, product.sku, location.id, quantity);
  return { location, product };
}

export function orderBody(lines: { sku: string; quantity: number }[], overrides: Record<string, unknown> = {}) {
  return {
    channel: 'web',
    customer: { email: `${unique('buyer')}@example.com`, name: 'Ada Lovelace' },
    shippingAddress: { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US', lat: 30.27, lon: -97.74 },
    lines,
    delivery: { method: 'ship', service: 'standard' },
    payment: { method: 'card', token: 'tok_visa' },
    currency: 'USD',
    ...overrides,
  };
}

export function placeOrder(api: ApiClient, body: unknown, key: string = randomUUID()) {
  return api.post('/api/orders', body, { 'idempotency-key': key });
}

/** An email no other test uses; `prefix` lets a test mark its own customers. */
export function uniqueEmail(prefix = 'buyer'): string {
  return `${unique(prefix)}@example.com`;
}

/** A store (the only kind of location that takes in-store pickups). */
export function createStore(api: ApiClient, overrides: Record<string, unknown> = {}) {
  return createLocation(api, { name: 'Test store', kind: 'store', ...overrides });
}

export async function createPromotion(api: ApiClient, promotion: Record<string, unknown>) {
  const response = await api.post('/api/promotions', { name: unique('Promotion'), ...promotion });
  return expectStatus(response, 201).body as { id: string; code: string | null };
}

export async function setSafetyStock(api: ApiClient, sku: string, locationId: string, safetyStock: number) {
  const response = await api.request('PUT', `/api/inventory/levels/${encodeURIComponent(sku)}/${locationId}/safety-stock`, { safetyStock });
  return expectStatus(response, 200).body as { onHand: number; reserved: number; safetyStock: number; available: number };
}

/** Places an order that must succeed, for tests about what happens to it afterwards. */
export async function placedOrder(api: ApiClient, body: unknown) {
  const response = await placeOrder(api, body);
  return expectStatus(response, 201).body as { id: string; number: string; status: string };
}

/**
 * Everything an order attempt for this customer and SKU could have written, read straight
 * from PostgreSQL: tests of refused requests assert that all of it is still empty.
 */
export async function orderFootprint(pool: Queryable, { email, sku }: { email: string; sku: string }) {
  const { rows } = await pool.query(
    `select
       (select count(*)::int from orders o join customers c on c.id = o.customer_id where c.email = $1) as orders,
       (select count(*)::int from customers where email = $1) as customers,
       (select count(*)::int from order_lines where sku = $2) as "orderLines",
       (select coalesce(sum(reserved), 0)::int from inventory_levels where sku = $2) as reserved,
       (select coalesce(sum(on_hand), 0)::int from inventory_levels where sku = $2) as "onHand",
       (select coalesce(array_agg(reason::text order by id), '{}') from inventory_ledger where sku = $2) as "ledgerReasons",
       (select count(*)::int from outbox where aggregate_type = 'order' and payload::text like '%' || $2 || '%') as "orderEvents"`,
    [email.toLowerCase(), sku],
  );
  return rows[0] as { orders: number; customers: number; orderLines: number; reserved: number; onHand: number; ledgerReasons: string[]; orderEvents: number };
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

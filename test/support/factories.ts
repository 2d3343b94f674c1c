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

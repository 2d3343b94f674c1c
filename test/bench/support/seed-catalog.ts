import { randomUUID } from 'node:crypto';
import type { JsonRequest, KeepAliveClient } from './http-load.ts';

/** What the load needs to know about the seeded catalog. */
export interface SeededCatalog {
  skus: string[];
  locationIds: string[];
}

const LOCATIONS = [
  { code: 'BENCH-DAL', name: 'Dallas DC', lat: 32.78, lon: -96.8, region: 'TX' },
  { code: 'BENCH-RNO', name: 'Reno DC', lat: 39.53, lon: -119.81, region: 'NV' },
  { code: 'BENCH-ALL', name: 'Allentown DC', lat: 40.6, lon: -75.49, region: 'PA' },
];
const CATEGORIES = ['apparel', 'footwear', 'home', 'kitchen', 'electronics', 'toys', 'beauty', 'outdoor'];
/** Ship-to places across the US, so allocation picks different warehouses and tax rates differ. */
const DESTINATIONS = [
  { city: 'Austin', region: 'TX', postalCode: '73301', lat: 30.27, lon: -97.74 },
  { city: 'Denver', region: 'CO', postalCode: '80202', lat: 39.74, lon: -104.99 },
  { city: 'Seattle', region: 'WA', postalCode: '98101', lat: 47.61, lon: -122.33 },
  { city: 'Chicago', region: 'IL', postalCode: '60601', lat: 41.88, lon: -87.63 },
  { city: 'Miami', region: 'FL', postalCode: '33101', lat: 25.76, lon: -80.19 },
  { city: 'Boston', region: 'MA', postalCode: '02108', lat: 42.36, lon: -71.06 },
  { city: 'Los Angeles', region: 'CA', postalCode: '90012', lat: 34.05, lon: -118.24 },
  { city: 'Atlanta', region: 'GA', postalCode: '30303', lat: 33.75, lon: -84.39 },
];
/** Returning customers: orders reuse this many emails, as a real store's traffic does. */
const CUSTOMER_POOL = 5_000;

async function mustCreate(client: KeepAliveClient, request: JsonRequest): Promise<any> {
  const response = await client.send(request, true);
  if (response.status !== 201) throw new Error(`${request.method} ${request.path} answered ${response.status}: ${response.text.slice(0, 300)}`);
  return JSON.parse(response.text);
}

/** Runs `tasks` with at most `concurrency` in flight. */
async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) await task(items[nextIndex++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Locations, products and plenty of stock of every product everywhere, through the public API. */
export async function seedCatalog(client: KeepAliveClient, o: { products: number; stockPerLevel: number; concurrency: number }): Promise<SeededCatalog> {
  const locationIds: string[] = [];
  for (const location of LOCATIONS) {
    const created = await mustCreate(client, { method: 'POST', path: '/api/locations', body: { ...location, kind: 'warehouse', dailyCapacity: 1_000_000 } });
    locationIds.push(created.id as string);
  }
  const skus = Array.from({ length: o.products }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')}`);
  await inParallel(skus, o.concurrency, async (sku) => {
    const i = Number(sku.slice(6));
    await mustCreate(client, {
      method: 'POST',
      path: '/api/products',
      body: {
        sku,
        name: `Bench product ${i}`,
        category: CATEGORIES[i % CATEGORIES.length],
        priceCents: 299 + ((i * 7919) % 19_700),
        currency: 'USD',
        weightGrams: 50 + ((i * 104_729) % 4_950),
      },
    });
  });
  const levels = skus.flatMap((sku) => locationIds.map((locationId) => ({ sku, locationId })));
  await inParallel(levels, o.concurrency, async ({ sku, locationId }) => {
    await mustCreate(client, { method: 'POST', path: '/api/inventory/adjustments', body: { sku, locationId, delta: o.stockPerLevel, reason: 'receipt' } });
  });
  return { skus, locationIds };
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** One web order: 3 distinct random SKUs, 1–3 units each, card payment, its own Idempotency-Key. */
export function orderRequest(catalog: SeededCatalog): JsonRequest {
  const skus = new Set<string>();
  while (skus.size < 3) skus.add(pick(catalog.skus));
  const destination = pick(DESTINATIONS);
  const customer = Math.floor(Math.random() * CUSTOMER_POOL);
  return {
    method: 'POST',
    path: '/api/orders',
    headers: { 'idempotency-key': randomUUID() },
    body: {
      channel: 'web',
      customer: { email: `bench-customer-${customer}@example.com`, name: `Bench Customer ${customer}` },
      shippingAddress: { line1: `${100 + customer} Main St`, country: 'US', ...destination },
      lines: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) })),
      delivery: { method: 'ship', service: 'standard' },
      payment: { method: 'card', token: 'tok_visa' },
      currency: 'USD',
    },
  };
}

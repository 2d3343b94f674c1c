import type { Business } from '../business.ts';
import type { SimProduct } from '../catalog.ts';
import { dayToMs } from '../calendar.ts';
import type { SimPromotion } from '../promotions.ts';
import type { Scenario } from '../scenario.ts';
import { TowerError, type TowerClient } from './tower-client.ts';

interface TowerLocation {
  id: string;
  code: string;
}
interface InventoryLevel {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
}

export interface SeedResult {
  locationIdByCode: Map<string, string>;
  created: { locations: number; products: number; promotions: number };
}

/** A create that finds the thing already there (409) counts as done: seeding again changes nothing. */
async function createOnce(client: TowerClient, path: string, body: unknown, asOf: number): Promise<boolean> {
  try {
    await client.request('POST', path, { body, asOf });
    return true;
  } catch (error) {
    if (error instanceof TowerError && error.status === 409) return false;
    throw error;
  }
}

export async function listLocations(client: TowerClient): Promise<Map<string, string>> {
  const { body } = await client.request<TowerLocation[]>('GET', '/api/locations');
  return new Map(body.map((l) => [l.code, l.id]));
}

async function listSkus(client: TowerClient): Promise<Set<string>> {
  const skus = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=500&cursor=${encodeURIComponent(cursor)}` : '?limit=500';
    const { body } = await client.request<{ items: { sku: string }[]; nextCursor: string | null }>('GET', `/api/products${query}`);
    for (const p of body.items) skus.add(p.sku);
    cursor = body.nextCursor;
  } while (cursor);
  return skus;
}

export async function listInventory(client: TowerClient, query = ''): Promise<InventoryLevel[]> {
  // Read by the morning's restock and a stock-out's count, which the next steps wait for: ahead of the lanes' requests.
  return (await client.request<InventoryLevel[]>('GET', `/api/inventory${query}`, { priority: true })).body;
}

// Tower's default packaging ends at BOX-XL (600×500×500 mm) and has no API to add a type: a
// product too big for it is sent without dimensions, so Tower packs it by its weight alone.
const LARGEST_BOX_MM = [600, 500, 500];

function productBody(p: SimProduct, locationIdByCode: ReadonlyMap<string, string>) {
  const { popularity: _popularity, returnRate: _returnRate, dropshipVendorCode, lengthMm, widthMm, heightMm, ...fields } = p;
  const sides = [lengthMm, widthMm, heightMm].sort((a, b) => b - a);
  const fits = sides.every((side, i) => side <= LARGEST_BOX_MM[i]!);
  return {
    ...fields,
    ...(fits ? { lengthMm, widthMm, heightMm } : {}),
    ...(dropshipVendorCode ? { dropshipVendorId: locationIdByCode.get(dropshipVendorCode)! } : {}),
  };
}

function promotionBody(p: SimPromotion) {
  return {
    name: p.name,
    code: p.code,
    kind: p.kind,
    percentBp: p.percentBp,
    ...(p.category ? { category: p.category } : {}),
    startsAt: new Date(dayToMs(p.start)).toISOString(),
    endsAt: new Date(dayToMs(p.end)).toISOString(),
  };
}

/**
 * Creates what the business needs in Tower, through the public API, as of `asOfMs`: the locations
 * (then their ids by code), the products (drop-shipped ones naming their vendor by id) and the
 * scenario's promotions. Anything already there is left as it is.
 */
export async function seedBusiness(client: TowerClient, business: Business, scenario: Scenario, asOfMs: number): Promise<SeedResult> {
  const created = { locations: 0, products: 0, promotions: 0 };
  const known = await listLocations(client);
  const newLocations = business.locations.filter((l) => !known.has(l.code));
  const made = await Promise.all(
    newLocations.map((l) =>
      createOnce(
        client,
        '/api/locations',
        { code: l.code, name: l.name, kind: l.kind, lat: l.lat, lon: l.lon, region: l.region, country: 'US', dailyCapacity: l.dailyCapacity, pickCostCents: l.pickCostCents, packCostCents: l.packCostCents },
        asOfMs,
      ),
    ),
  );
  created.locations = made.filter(Boolean).length;
  const locationIdByCode = newLocations.length > 0 ? await listLocations(client) : known;
  for (const l of business.locations) if (!locationIdByCode.has(l.code)) throw new Error(`location ${l.code} is not in Tower after seeding`);

  const skus = await listSkus(client);
  const products = business.products.filter((p) => !skus.has(p.sku));
  const madeProducts = await Promise.all(products.map((p) => createOnce(client, '/api/products', productBody(p, locationIdByCode), asOfMs)));
  created.products = madeProducts.filter(Boolean).length;

  const { body: promotions } = await client.request<{ code: string | null }[]>('GET', '/api/promotions');
  const codes = new Set(promotions.map((p) => p.code));
  const madePromotions = await Promise.all(scenario.promotions.filter((p) => !codes.has(p.code)).map((p) => createOnce(client, '/api/promotions', promotionBody(p), asOfMs)));
  created.promotions = madePromotions.filter(Boolean).length;

  return { locationIdByCode, created };
}

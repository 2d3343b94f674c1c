import { asc, eq, gt } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { products } from '#db/schema/catalog.ts';
import { locations } from '#db/schema/locations.ts';
import { promotions, salesChannels, taxRates } from '#db/schema/pricing.ts';
import { toLocation, toProduct } from './catalog-views.ts';

export async function findProduct(db: Executor, sku: string) {
  const [row] = await db.select().from(products).where(eq(products.sku, sku));
  return row ? toProduct(row) : undefined;
}

/** Products by SKU; the cursor is the last SKU of the previous page. */
export async function listProducts(db: Executor, page: { cursor?: string | undefined; limit: number }) {
  const rows = await db
    .select()
    .from(products)
    .where(page.cursor ? gt(products.sku, page.cursor) : undefined)
    .orderBy(asc(products.sku))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(toProduct);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.sku ?? null) : null };
}

export async function findLocation(db: Executor, id: string) {
  const [row] = await db.select().from(locations).where(eq(locations.id, id));
  return row ? toLocation(row) : undefined;
}

export async function listLocations(db: Executor) {
  const rows = await db.select().from(locations).orderBy(asc(locations.code));
  return rows.map(toLocation);
}

export function toPromotion(row: typeof promotions.$inferSelect) {
  const { createdAt: _createdAt, ...rest } = row;
  return { ...rest, startsAt: row.startsAt?.toISOString() ?? null, endsAt: row.endsAt?.toISOString() ?? null };
}

export async function listPromotions(db: Executor) {
  const rows = await db.select().from(promotions).orderBy(asc(promotions.name));
  return rows.map(toPromotion);
}

export async function listTaxRates(db: Executor) {
  return db.select().from(taxRates).orderBy(asc(taxRates.country), asc(taxRates.region));
}

export async function listSalesChannels(db: Executor) {
  return db.select().from(salesChannels).orderBy(asc(salesChannels.code));
}

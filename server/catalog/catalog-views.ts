import type { locations } from '#db/schema/locations.ts';
import type { products } from '#db/schema/catalog.ts';
import type { Location, Product } from './catalog.schemas.ts';

export function toProduct(row: typeof products.$inferSelect): Product {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function toLocation(row: typeof locations.$inferSelect): Location {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

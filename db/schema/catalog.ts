import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { locations } from './locations.ts';

export const products = pgTable(
  'products',
  {
    id: id(),
    sku: text('sku').notNull().unique(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull(),
    weightGrams: integer('weight_grams').notNull(),
    lengthMm: integer('length_mm'),
    widthMm: integer('width_mm'),
    heightMm: integer('height_mm'),
    /** Whether an order may wait for this SKU when the channel allows backorders. */
    backorderable: boolean('backorderable').notNull().default(true),
    /** The drop-ship vendor (a location of kind dropship) that ships this product to customers itself. */
    dropshipVendorId: uuid('dropship_vendor_id').references(() => locations.id),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('products_price_nonnegative', sql`${t.priceCents} >= 0`),
    check('products_weight_nonnegative', sql`${t.weightGrams} >= 0`),
  ],
);

import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz, updatedAt } from './columns.ts';
import { products } from './catalog.ts';
import { locations } from './locations.ts';

/**
 * Stock of one SKU at one location. Available-to-promise is
 * on_hand - reserved - safety_stock; the checks make it impossible to
 * reserve more than is on hand or to hold negative stock, whatever the concurrency.
 */
export const inventoryLevels = pgTable(
  'inventory_levels',
  {
    sku: text('sku').notNull().references(() => products.sku, { onUpdate: 'cascade' }),
    locationId: uuid('location_id').notNull().references(() => locations.id),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    safetyStock: integer('safety_stock').notNull().default(0),
    /** Where the SKU sits in the location (aisle-rack-shelf, e.g. A-03-2): pick lists walk in this order. */
    bin: text('bin'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.sku, t.locationId] }),
    index('inventory_levels_location_idx').on(t.locationId),
    check('inventory_on_hand_nonnegative', sql`${t.onHand} >= 0`),
    check('inventory_reserved_nonnegative', sql`${t.reserved} >= 0`),
    check('inventory_reserved_within_on_hand', sql`${t.reserved} <= ${t.onHand}`),
    check('inventory_safety_stock_nonnegative', sql`${t.safetyStock} >= 0`),
  ],
);

export const ledgerReasons = [
  'receipt',
  'count',
  'damage',
  'shrinkage',
  'correction',
  'return',
  'transfer_in',
  'transfer_out',
  'reservation',
  'release',
  'shipment',
] as const;
export const ledgerReason = pgEnum('inventory_ledger_reason', ledgerReasons);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */
export const inventoryLedger = pgTable(
  'inventory_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sku: text('sku').notNull(),
    locationId: uuid('location_id').notNull(),
    onHandDelta: integer('on_hand_delta').notNull().default(0),
    reservedDelta: integer('reserved_delta').notNull().default(0),
    reason: ledgerReason('reason').notNull(),
    orderId: uuid('order_id'),
    note: text('note'),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    index('inventory_ledger_sku_location_idx').on(t.sku, t.locationId, t.id),
    index('inventory_ledger_order_idx').on(t.orderId),
  ],
);

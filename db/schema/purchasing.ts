import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, pgEnum, pgSequence, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { products } from './catalog.ts';
import { locations } from './locations.ts';

/** Who Tower buys stock from. */
export const suppliers = pgTable(
  'suppliers',
  {
    id: id(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    email: text('email'),
    currency: text('currency').notNull().default('USD'),
    /** Days from submitting a purchase order to its arrival, unless the SKU says otherwise. */
    leadTimeDays: integer('lead_time_days').notNull().default(7),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('suppliers_lead_time_range', sql`${t.leadTimeDays} between 0 and 365`)],
);

/**
 * What one supplier sells of one SKU and on which terms. Orders are placed in multiples of
 * `case_pack` and of at least `minimum_order_quantity`; at most one supplier is preferred per SKU.
 */
export const supplierProducts = pgTable(
  'supplier_products',
  {
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    sku: text('sku')
      .notNull()
      .references(() => products.sku, { onUpdate: 'cascade' }),
    unitCostCents: integer('unit_cost_cents').notNull(),
    /** Overrides the supplier's lead time for this SKU. */
    leadTimeDays: integer('lead_time_days'),
    minimumOrderQuantity: integer('minimum_order_quantity').notNull().default(1),
    casePack: integer('case_pack').notNull().default(1),
    preferred: boolean('preferred').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.supplierId, t.sku] }),
    index('supplier_products_sku_idx').on(t.sku),
    uniqueIndex('supplier_products_one_preferred_idx').on(t.sku).where(sql`${t.preferred}`),
    check('supplier_products_cost_nonnegative', sql`${t.unitCostCents} >= 0`),
    check('supplier_products_lead_time_range', sql`${t.leadTimeDays} is null or ${t.leadTimeDays} between 0 and 365`),
    check('supplier_products_order_units_positive', sql`${t.minimumOrderQuantity} >= 1 and ${t.casePack} >= 1`),
  ],
);

/** Lead time and cost of moving stock between two locations; without a row, distance decides. */
export const transferLanes = pgTable(
  'transfer_lanes',
  {
    fromLocationId: uuid('from_location_id')
      .notNull()
      .references(() => locations.id),
    toLocationId: uuid('to_location_id')
      .notNull()
      .references(() => locations.id),
    leadTimeDays: integer('lead_time_days').notNull(),
    costPerUnitCents: integer('cost_per_unit_cents').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.fromLocationId, t.toLocationId] }),
    check('transfer_lanes_distinct_ends', sql`${t.fromLocationId} <> ${t.toLocationId}`),
    check('transfer_lanes_lead_time_range', sql`${t.leadTimeDays} between 0 and 365`),
    check('transfer_lanes_cost_nonnegative', sql`${t.costPerUnitCents} >= 0`),
  ],
);

/** A purchase order's life; server/purchasing/purchase-order-status.ts holds the allowed transitions. */
export const purchaseOrderStatuses = ['draft', 'submitted', 'partially_received', 'received', 'cancelled', 'closed'] as const;
export const purchaseOrderStatus = pgEnum('purchase_order_status', purchaseOrderStatuses);

export const purchaseOrderNumberSeq = pgSequence('purchase_order_number_seq', { startWith: 1 });

export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: id(),
    number: text('number')
      .notNull()
      .unique()
      .default(sql`'PO-' || lpad(nextval('purchase_order_number_seq')::text, 6, '0')`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** Where the goods are delivered and received. */
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    status: purchaseOrderStatus('status').notNull().default('draft'),
    currency: text('currency').notNull(),
    /** Given, or submit date + lead time. */
    expectedAt: timestamptz('expected_at'),
    note: text('note'),
    /** What asked for it, e.g. `proposal:<id>` for a restock proposal. */
    source: text('source'),
    createdById: uuid('created_by_id'),
    createdByLabel: text('created_by_label'),
    /** When it was raised (the request's as-of moment for backfilled history). */
    orderedAt: timestamptz('ordered_at').notNull(),
    submittedAt: timestamptz('submitted_at'),
    firstReceivedAt: timestamptz('first_received_at'),
    receivedAt: timestamptz('received_at'),
    cancelledAt: timestamptz('cancelled_at'),
    closedAt: timestamptz('closed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('purchase_orders_status_idx').on(t.status, t.orderedAt),
    index('purchase_orders_supplier_idx').on(t.supplierId, t.orderedAt),
    index('purchase_orders_location_idx').on(t.locationId, t.status),
    index('purchase_orders_source_idx').on(t.source),
  ],
);

export const purchaseOrderLines = pgTable(
  'purchase_order_lines',
  {
    id: id(),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku')
      .notNull()
      .references(() => products.sku, { onUpdate: 'cascade' }),
    quantityOrdered: integer('quantity_ordered').notNull(),
    quantityReceived: integer('quantity_received').notNull().default(0),
    unitCostCents: integer('unit_cost_cents').notNull(),
  },
  (t) => [
    uniqueIndex('purchase_order_lines_sku_idx').on(t.purchaseOrderId, t.sku),
    index('purchase_order_lines_by_sku_idx').on(t.sku),
    check('purchase_order_lines_quantities', sql`${t.quantityOrdered} >= 0 and ${t.quantityReceived} between 0 and ${t.quantityOrdered}`),
    check('purchase_order_lines_cost_nonnegative', sql`${t.unitCostCents} >= 0`),
  ],
);

/** Every receipt against a purchase order line, append-only: received = the sum of `quantity`. */
export const purchaseOrderReceipts = pgTable(
  'purchase_order_receipts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    purchaseOrderId: uuid('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    locationId: uuid('location_id').notNull(),
    /** The inventory ledger row that raised on-hand. */
    ledgerId: bigint('ledger_id', { mode: 'number' }).notNull(),
    receivedAt: timestamptz('received_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('purchase_order_receipts_po_idx').on(t.purchaseOrderId, t.id), check('purchase_order_receipts_quantity_positive', sql`${t.quantity} > 0`)],
);

/** A transfer's life; server/purchasing/transfer-status.ts holds the allowed transitions. */
export const transferStatuses = ['requested', 'shipped', 'partially_received', 'received', 'cancelled'] as const;
export const transferStatus = pgEnum('transfer_status', transferStatuses);

export const transferNumberSeq = pgSequence('transfer_number_seq', { startWith: 1 });

export const transfers = pgTable(
  'transfers',
  {
    id: id(),
    number: text('number')
      .notNull()
      .unique()
      .default(sql`'TR-' || lpad(nextval('transfer_number_seq')::text, 6, '0')`),
    fromLocationId: uuid('from_location_id')
      .notNull()
      .references(() => locations.id),
    toLocationId: uuid('to_location_id')
      .notNull()
      .references(() => locations.id),
    status: transferStatus('status').notNull().default('requested'),
    /** Ship date + the lane's lead time (request date + lead time until shipped). */
    expectedAt: timestamptz('expected_at'),
    note: text('note'),
    source: text('source'),
    createdById: uuid('created_by_id'),
    createdByLabel: text('created_by_label'),
    requestedAt: timestamptz('requested_at').notNull(),
    shippedAt: timestamptz('shipped_at'),
    firstReceivedAt: timestamptz('first_received_at'),
    receivedAt: timestamptz('received_at'),
    cancelledAt: timestamptz('cancelled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('transfers_status_idx').on(t.status, t.requestedAt),
    index('transfers_from_idx').on(t.fromLocationId, t.status),
    index('transfers_to_idx').on(t.toLocationId, t.status),
    index('transfers_source_idx').on(t.source),
    check('transfers_distinct_ends', sql`${t.fromLocationId} <> ${t.toLocationId}`),
  ],
);

export const transferLines = pgTable(
  'transfer_lines',
  {
    id: id(),
    transferId: uuid('transfer_id')
      .notNull()
      .references(() => transfers.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku')
      .notNull()
      .references(() => products.sku, { onUpdate: 'cascade' }),
    quantity: integer('quantity').notNull(),
    quantityShipped: integer('quantity_shipped').notNull().default(0),
    quantityReceived: integer('quantity_received').notNull().default(0),
  },
  (t) => [
    uniqueIndex('transfer_lines_sku_idx').on(t.transferId, t.sku),
    index('transfer_lines_by_sku_idx').on(t.sku),
    check(
      'transfer_lines_quantities',
      sql`${t.quantity} >= 0 and ${t.quantityShipped} between 0 and ${t.quantity} and ${t.quantityReceived} between 0 and ${t.quantityShipped}`,
    ),
  ],
);

import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgEnum, pgSequence, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { customers } from './customers.ts';
import { locations } from './locations.ts';
import { orderLines, orders } from './orders.ts';

/**
 * How many days after delivery a category may be returned. The row with category `*` is the
 * default for categories without their own row (and without it, server/returns uses 30 days).
 */
export const returnPolicies = pgTable(
  'return_policies',
  {
    category: text('category').primaryKey(),
    windowDays: integer('window_days').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check('return_policies_window_range', sql`${t.windowDays} between 0 and 3650`)],
);

/** An RMA's life; server/returns/return-status.ts holds the allowed transitions. */
export const returnStatuses = ['requested', 'authorized', 'received', 'inspected', 'resolved', 'rejected', 'cancelled'] as const;
export const returnStatus = pgEnum('return_status', returnStatuses);

export const returnReasons = ['damaged', 'defective', 'wrong_item', 'not_as_described', 'size_or_fit', 'no_longer_needed', 'arrived_late', 'other'] as const;
export const returnReason = pgEnum('return_reason', returnReasons);

export const returnRequesters = ['staff', 'customer'] as const;
export const returnRequester = pgEnum('return_requester', returnRequesters);

export const returnResolutions = ['refund', 'store_credit', 'exchange'] as const;
export const returnResolution = pgEnum('return_resolution', returnResolutions);

export const returnNumberSeq = pgSequence('return_number_seq', { startWith: 100001 });

/** A return merchandise authorization (RMA) for delivered units of one order. */
export const returns = pgTable(
  'returns',
  {
    id: id(),
    number: text('number')
      .notNull()
      .unique()
      .default(sql`'R' || nextval('return_number_seq')::text`),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    status: returnStatus('status').notNull().default('requested'),
    requestedBy: returnRequester('requested_by').notNull(),
    note: text('note'),
    currency: text('currency').notNull(),
    /** Where the goods were (last) received. */
    locationId: uuid('location_id').references(() => locations.id),
    resolution: returnResolution('resolution'),
    /** Money sent back to the original payment (refund, or the refund side of an exchange). */
    refundedCents: integer('refunded_cents').notNull().default(0),
    /** The order's shipping fee, refunded only when the resolution said so (once per order). */
    shippingRefundedCents: integer('shipping_refunded_cents').notNull().default(0),
    storeCreditCents: integer('store_credit_cents').notNull().default(0),
    /** The replacement order of an exchange. */
    exchangeOrderId: uuid('exchange_order_id').references(() => orders.id),
    /** Why the RMA was rejected or cancelled. */
    rejectReason: text('reject_reason'),
    requestedAt: timestamptz('requested_at').notNull(),
    authorizedAt: timestamptz('authorized_at'),
    receivedAt: timestamptz('received_at'),
    inspectedAt: timestamptz('inspected_at'),
    resolvedAt: timestamptz('resolved_at'),
    closedAt: timestamptz('closed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('returns_order_idx').on(t.orderId),
    index('returns_customer_idx').on(t.customerId),
    index('returns_status_idx').on(t.status, t.requestedAt),
    // Returns of a recent window whatever their status (return_rate_spike, every few minutes).
    index('returns_requested_idx').on(t.requestedAt),
    check('returns_amounts_nonnegative', sql`${t.refundedCents} >= 0 and ${t.shippingRefundedCents} >= 0 and ${t.storeCreditCents} >= 0`),
  ],
);

/**
 * The units of one order line an RMA covers, and what inspection decided for each received
 * unit: received = restock + refurbish + scrap + return to vendor, never more than requested.
 */
export const returnLines = pgTable(
  'return_lines',
  {
    id: id(),
    returnId: uuid('return_id').notNull().references(() => returns.id),
    orderLineId: uuid('order_line_id').notNull().references(() => orderLines.id),
    sku: text('sku').notNull(),
    category: text('category').notNull(),
    quantity: integer('quantity').notNull(),
    reason: returnReason('reason').notNull(),
    reasonNote: text('reason_note'),
    receivedQuantity: integer('received_quantity').notNull().default(0),
    restockQuantity: integer('restock_quantity').notNull().default(0),
    refurbishQuantity: integer('refurbish_quantity').notNull().default(0),
    scrapQuantity: integer('scrap_quantity').notNull().default(0),
    returnToVendorQuantity: integer('return_to_vendor_quantity').notNull().default(0),
    /** Where restocked units went back on hand (the last receipt's location). */
    restockLocationId: uuid('restock_location_id').references(() => locations.id),
  },
  (t) => [
    index('return_lines_return_idx').on(t.returnId),
    index('return_lines_order_line_idx').on(t.orderLineId),
    check(
      'return_lines_quantities',
      sql`${t.quantity} > 0 and ${t.receivedQuantity} between 0 and ${t.quantity}
        and ${t.restockQuantity} >= 0 and ${t.refurbishQuantity} >= 0 and ${t.scrapQuantity} >= 0 and ${t.returnToVendorQuantity} >= 0
        and ${t.receivedQuantity} = ${t.restockQuantity} + ${t.refurbishQuantity} + ${t.scrapQuantity} + ${t.returnToVendorQuantity}`,
    ),
  ],
);

/**
 * A customer's store credit in one currency. `balance_cents` is the sum of the ledger, kept
 * beside it so that a redemption is one guarded update; the check makes a negative balance
 * impossible whatever the concurrency.
 */
export const storeCreditAccounts = pgTable(
  'store_credit_accounts',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    currency: text('currency').notNull(),
    balanceCents: integer('balance_cents').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.currency] }), check('store_credit_balance_nonnegative', sql`${t.balanceCents} >= 0`)],
);

export const storeCreditReasons = ['return', 'redemption', 'redemption_reversal', 'adjustment'] as const;
export const storeCreditReason = pgEnum('store_credit_reason', storeCreditReasons);

/** Every change of a store credit balance, append-only: the balance is the sum of `delta_cents`. */
export const storeCreditLedger = pgTable(
  'store_credit_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    deltaCents: integer('delta_cents').notNull(),
    currency: text('currency').notNull(),
    balanceAfterCents: integer('balance_after_cents').notNull(),
    reason: storeCreditReason('reason').notNull(),
    returnId: uuid('return_id').references(() => returns.id),
    orderId: uuid('order_id').references(() => orders.id),
    note: text('note'),
    occurredAt: timestamptz('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('store_credit_ledger_customer_idx').on(t.customerId, t.id),
    check('store_credit_ledger_delta_nonzero', sql`${t.deltaCents} <> 0`),
    check('store_credit_ledger_balance_nonnegative', sql`${t.balanceAfterCents} >= 0`),
  ],
);

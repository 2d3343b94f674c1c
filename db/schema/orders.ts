import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgSequence, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { addresses, customers } from './customers.ts';
import { locations } from './locations.ts';

export const orderStatuses = [
  'placed',
  'allocated',
  'backordered',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
  'on_hold',
  'return_requested',
  'returned',
] as const;
export const orderStatus = pgEnum('order_status', orderStatuses);

export const channels = ['web', 'store', 'marketplace', 'phone', 'b2b'] as const;
export const channel = pgEnum('sales_channel', channels);

export const deliveryMethods = ['ship', 'pickup'] as const;
export const deliveryMethod = pgEnum('delivery_method', deliveryMethods);
export const deliveryServices = ['standard', 'express'] as const;
export const deliveryService = pgEnum('delivery_service', deliveryServices);

export const orderNumberSeq = pgSequence('order_number_seq', { startWith: 100001 });

export const orders = pgTable(
  'orders',
  {
    id: id(),
    number: text('number')
      .notNull()
      .unique()
      .default(sql`'T' || nextval('order_number_seq')::text`),
    channel: channel('channel').notNull(),
    externalRef: text('external_ref'),
    customerId: uuid('customer_id').notNull().references(() => customers.id),
    shippingAddressId: uuid('shipping_address_id').references(() => addresses.id),
    status: orderStatus('status').notNull(),
    /** The status to return to when a hold is released. */
    statusBeforeHold: orderStatus('status_before_hold'),
    holdReason: text('hold_reason'),
    cancelReason: text('cancel_reason'),
    currency: text('currency').notNull(),
    subtotalCents: integer('subtotal_cents').notNull(),
    discountCents: integer('discount_cents').notNull(),
    taxCents: integer('tax_cents').notNull(),
    shippingCents: integer('shipping_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    deliveryMethod: deliveryMethod('delivery_method').notNull(),
    deliveryService: deliveryService('delivery_service').notNull(),
    pickupLocationId: uuid('pickup_location_id').references(() => locations.id),
    promotionCode: text('promotion_code'),
    /** Hash of the canonical request, to tell a retry from a different order reusing a reference. */
    requestHash: text('request_hash').notNull(),
    placedAt: timestamptz('placed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // External reference first: order capture looks a reference up by it alone (order-context.ts).
    unique('orders_external_ref_channel_key').on(t.externalRef, t.channel),
    index('orders_status_placed_idx').on(t.status, t.placedAt, t.id),
    index('orders_channel_placed_idx').on(t.channel, t.placedAt, t.id),
    index('orders_placed_idx').on(t.placedAt, t.id),
    index('orders_customer_idx').on(t.customerId),
    check('orders_total_consistent', sql`${t.totalCents} = ${t.subtotalCents} - ${t.discountCents} + ${t.taxCents} + ${t.shippingCents}`),
    check('orders_amounts_nonnegative', sql`${t.subtotalCents} >= 0 and ${t.discountCents} >= 0 and ${t.taxCents} >= 0 and ${t.shippingCents} >= 0 and ${t.totalCents} >= 0`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    discountCents: integer('discount_cents').notNull(),
    taxCents: integer('tax_cents').notNull(),
    /** Units waiting for stock; the rest are reserved through order_allocations. */
    backorderedQuantity: integer('backordered_quantity').notNull().default(0),
  },
  (t) => [
    unique('order_lines_order_line_no_key').on(t.orderId, t.lineNo),
    index('order_lines_sku_idx').on(t.sku),
    // Backorders wait on a few lines among all: a receipt asks which of its SKUs any waits for.
    index('order_lines_backordered_sku_idx').on(t.sku).where(sql`${t.backorderedQuantity} > 0`),
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('order_lines_backordered_range', sql`${t.backorderedQuantity} between 0 and ${t.quantity}`),
  ],
);

/** Units of a line reserved at a location. Released rows stay, stamped, for the audit trail. */
export const orderAllocations = pgTable(
  'order_allocations',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    orderLineId: uuid('order_line_id').notNull().references(() => orderLines.id),
    sku: text('sku').notNull(),
    locationId: uuid('location_id').notNull().references(() => locations.id),
    quantity: integer('quantity').notNull(),
    createdAt: createdAt(),
    releasedAt: timestamptz('released_at'),
  },
  (t) => [
    index('order_allocations_order_idx').on(t.orderId),
    index('order_allocations_open_sku_location_idx').on(t.sku, t.locationId).where(sql`${t.releasedAt} is null`),
    // The release asks, per candidate order, for its open allocations: by order, never a scan of all open ones.
    index('order_allocations_open_order_idx').on(t.orderId).where(sql`${t.releasedAt} is null`),
    check('order_allocations_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

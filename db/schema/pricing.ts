import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';
import { channel, channels, deliveryService } from './orders.ts';

export const promotionKinds = ['line_percent', 'order_percent', 'order_amount'] as const;
export const promotionKind = pgEnum('promotion_kind', promotionKinds);

/**
 * Automatic promotions (no code) apply to every matching order; coded ones only when the
 * order carries the code. line_percent targets a SKU or a category; the order kinds need
 * a minimum subtotal. Percentages are basis points (1000 = 10%).
 */
export const promotions = pgTable(
  'promotions',
  {
    id: id(),
    name: text('name').notNull(),
    code: text('code').unique(),
    kind: promotionKind('kind').notNull(),
    percentBp: integer('percent_bp'),
    amountCents: integer('amount_cents'),
    currency: text('currency'),
    sku: text('sku'),
    category: text('category'),
    channel: channel('channel'),
    minSubtotalCents: integer('min_subtotal_cents').notNull().default(0),
    startsAt: timestamptz('starts_at'),
    endsAt: timestamptz('ends_at'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    check('promotions_percent_range', sql`${t.percentBp} is null or ${t.percentBp} between 1 and 10000`),
    check('promotions_amount_positive', sql`${t.amountCents} is null or ${t.amountCents} > 0`),
    check(
      'promotions_kind_shape',
      sql`(${t.kind} = 'order_amount' and ${t.amountCents} is not null and ${t.currency} is not null)
        or (${t.kind} <> 'order_amount' and ${t.percentBp} is not null)`,
    ),
  ],
);

/** Sales tax by country and region; region '' is the country's default. */
export const taxRates = pgTable(
  'tax_rates',
  {
    country: text('country').notNull(),
    region: text('region').notNull().default(''),
    /** Parts per million: 6.875% is 68750, so every real rate is a whole number. */
    ratePpm: integer('rate_ppm').notNull(),
  },
  (t) => [primaryKey({ columns: [t.country, t.region] }), check('tax_rates_range', sql`${t.ratePpm} between 0 and 500000`)],
);

/** Shipping fee: base + per started kilogram past the first; free at or above a subtotal. */
export const shippingRates = pgTable(
  'shipping_rates',
  {
    service: deliveryService('service').notNull(),
    currency: text('currency').notNull(),
    baseCents: integer('base_cents').notNull(),
    perKgCents: integer('per_kg_cents').notNull(),
    freeOverCents: integer('free_over_cents'),
  },
  (t) => [primaryKey({ columns: [t.service, t.currency] })],
);

export const salesChannels = pgTable('sales_channels', {
  code: channel('code').primaryKey(),
  name: text('name').notNull(),
  /** When stock is short: backorder (true) or refuse with out_of_stock (false). */
  allowBackorder: boolean('allow_backorder').notNull(),
});

export type ChannelCode = (typeof channels)[number];

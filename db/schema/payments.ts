import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { orders } from './orders.ts';

export const paymentStatuses = ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'pending_invoice'] as const;
export const paymentStatus = pgEnum('payment_status', paymentStatuses);
export const paymentMethods = ['card', 'invoice', 'store_credit'] as const;
export const paymentMethod = pgEnum('payment_method', paymentMethods);

export const payments = pgTable(
  'payments',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    provider: text('provider').notNull(),
    method: paymentMethod('method').notNull(),
    status: paymentStatus('status').notNull(),
    currency: text('currency').notNull(),
    authorizedCents: integer('authorized_cents').notNull(),
    capturedCents: integer('captured_cents').notNull().default(0),
    refundedCents: integer('refunded_cents').notNull().default(0),
    /** The provider's authorization id; never the card token. */
    providerRef: text('provider_ref'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('payments_order_idx').on(t.orderId),
    check('payments_amounts_consistent', sql`${t.capturedCents} between 0 and ${t.authorizedCents} and ${t.refundedCents} between 0 and ${t.capturedCents}`),
  ],
);

import { integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { orders } from './orders.ts';

/**
 * The sourcing engine's decision for each order, written with the order: the shipments it
 * chose, their costs and promised dates, and the log of every candidate location (why it was
 * ranked or eliminated), so customer service can answer "why did this ship from there?".
 */
export const orderSourcingDecisions = pgTable('order_sourcing_decisions', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id),
  decidedAt: timestamptz('decided_at').notNull(),
  strategy: text('strategy').notNull(),
  totalCostCents: integer('total_cost_cents').notNull(),
  decision: jsonb('decision').notNull(),
});

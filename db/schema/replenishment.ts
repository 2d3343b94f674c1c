import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, uuid } from 'drizzle-orm/pg-core';
import { alerts } from './alerts.ts';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { products } from './catalog.ts';
import { forecastRuns } from './forecasting.ts';
import { locations } from './locations.ts';
import { purchaseOrders, suppliers, transfers } from './purchasing.ts';

/**
 * A planner's policy for one SKU at one location; without a row the configured defaults apply
 * (REPLENISHMENT_SERVICE_LEVEL, REPLENISHMENT_REVIEW_DAYS). `active = false` stops proposals.
 */
export const replenishmentSettings = pgTable(
  'replenishment_settings',
  {
    sku: text('sku')
      .notNull()
      .references(() => products.sku, { onUpdate: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    /** Probability of not running out within a replenishment cycle (cycle service level). */
    serviceLevel: real('service_level'),
    reviewPeriodDays: integer('review_period_days'),
    /** Overrides the supplier's or lane's lead time. */
    leadTimeDays: integer('lead_time_days'),
    active: boolean('active').notNull().default(true),
    updatedBy: text('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.sku, t.locationId] }),
    check('replenishment_service_level_range', sql`${t.serviceLevel} is null or (${t.serviceLevel} > 0.5 and ${t.serviceLevel} < 1)`),
    check('replenishment_review_range', sql`${t.reviewPeriodDays} is null or ${t.reviewPeriodDays} between 1 and 90`),
    check('replenishment_lead_time_range', sql`${t.leadTimeDays} is null or ${t.leadTimeDays} between 0 and 365`),
  ],
);

export const proposalKinds = ['purchase', 'transfer'] as const;
export const proposalKind = pgEnum('restock_proposal_kind', proposalKinds);

/** proposed → approved (a PO or transfer exists) | rejected; a newer run supersedes what is still proposed. */
export const proposalStatuses = ['proposed', 'approved', 'rejected', 'superseded'] as const;
export const proposalStatus = pgEnum('restock_proposal_status', proposalStatuses);

/** What a forecast run suggests buying or moving for one SKU at one location, and what the planner decided. */
export const restockProposals = pgTable(
  'restock_proposals',
  {
    id: id(),
    /** The forecast run that proposed it; null for one a person asked for from an alert. */
    runId: uuid('run_id').references(() => forecastRuns.id),
    /** The alert it was proposed from (an alert action), if any. */
    alertId: uuid('alert_id').references(() => alerts.id),
    sku: text('sku')
      .notNull()
      .references(() => products.sku, { onUpdate: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id),
    kind: proposalKind('kind').notNull(),
    status: proposalStatus('status').notNull().default('proposed'),
    supplierId: uuid('supplier_id').references(() => suppliers.id),
    fromLocationId: uuid('from_location_id').references(() => locations.id),
    suggestedQuantity: integer('suggested_quantity').notNull(),
    /** What will be ordered: the suggestion, or the planner's edit. */
    quantity: integer('quantity').notNull(),
    unitCostCents: integer('unit_cost_cents').notNull(),
    currency: text('currency').notNull(),
    leadTimeDays: integer('lead_time_days').notNull(),
    /** The policy's figures when proposed: available, inbound, safety stock, reorder point, order-up-to, demand over the lead time. */
    position: jsonb('position').notNull(),
    /** The day stock runs out without this proposal; null if not within the forecast horizon. */
    stockoutDate: date('stockout_date', { mode: 'string' }),
    purchaseOrderId: uuid('purchase_order_id').references(() => purchaseOrders.id),
    transferId: uuid('transfer_id').references(() => transfers.id),
    decidedBy: text('decided_by'),
    decidedAt: timestamptz('decided_at'),
    note: text('note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('restock_proposals_status_idx').on(t.status, t.stockoutDate),
    index('restock_proposals_sku_location_idx').on(t.sku, t.locationId),
    check('restock_proposals_quantity_positive', sql`${t.quantity} > 0 and ${t.suggestedQuantity} > 0`),
    check('restock_proposals_source', sql`(${t.kind} = 'purchase') = (${t.fromLocationId} is null)`),
    check('restock_proposals_origin', sql`${t.runId} is not null or ${t.alertId} is not null`),
  ],
);

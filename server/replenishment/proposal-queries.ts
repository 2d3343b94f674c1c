import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '#db/client.ts';
import { restockProposals } from '#db/schema/replenishment.ts';
import { decodeOffsetCursor, encodeOffsetCursor } from '#server/core/offset-cursor.ts';
import type { ProposalQuery } from './replenishment.schemas.ts';

type ProposalRow = typeof restockProposals.$inferSelect;

export interface ProposalView {
  id: string;
  runId: string | null;
  alertId: string | null;
  sku: string;
  locationId: string;
  kind: ProposalRow['kind'];
  status: ProposalRow['status'];
  supplierId: string | null;
  fromLocationId: string | null;
  suggestedQuantity: number;
  quantity: number;
  unitCostCents: number;
  costCents: number;
  currency: string;
  leadTimeDays: number;
  position: Record<string, number>;
  stockoutDate: string | null;
  purchaseOrderId: string | null;
  transferId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  createdAt: string;
}

export function proposalView(row: ProposalRow): ProposalView {
  return {
    id: row.id,
    runId: row.runId,
    alertId: row.alertId,
    sku: row.sku,
    locationId: row.locationId,
    kind: row.kind,
    status: row.status,
    supplierId: row.supplierId,
    fromLocationId: row.fromLocationId,
    suggestedQuantity: row.suggestedQuantity,
    quantity: row.quantity,
    unitCostCents: row.unitCostCents,
    costCents: row.quantity * row.unitCostCents,
    currency: row.currency,
    leadTimeDays: row.leadTimeDays,
    position: row.position as Record<string, number>,
    stockoutDate: row.stockoutDate,
    purchaseOrderId: row.purchaseOrderId,
    transferId: row.transferId,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function getProposal(db: Executor, id: string): Promise<ProposalView | undefined> {
  const [row] = await db.select().from(restockProposals).where(eq(restockProposals.id, id));
  return row ? proposalView(row) : undefined;
}


/**
 * Proposals, soonest stock-out first (those without one last, costliest first among equals).
 * Open proposals change only when a planner decides or a run replaces them, so an offset cursor
 * is good enough for paging through a screen's worth.
 */
export async function listProposals(db: Database, query: ProposalQuery): Promise<{ items: ProposalView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(restockProposals.status, query.status));
  if (query.kind) conditions.push(eq(restockProposals.kind, query.kind));
  if (query.sku) conditions.push(eq(restockProposals.sku, query.sku));
  if (query.locationId) conditions.push(eq(restockProposals.locationId, query.locationId));
  if (query.runId) conditions.push(eq(restockProposals.runId, query.runId));
  const offset = decodeOffsetCursor(query.cursor);
  const rows = await db
    .select()
    .from(restockProposals)
    .where(and(...conditions))
    .orderBy(sql`${restockProposals.stockoutDate} asc nulls last`, desc(sql`${restockProposals.quantity} * ${restockProposals.unitCostCents}`), asc(restockProposals.id))
    .limit(query.limit + 1)
    .offset(offset);
  return {
    items: rows.slice(0, query.limit).map(proposalView),
    nextCursor: rows.length > query.limit ? encodeOffsetCursor(offset + query.limit) : null,
  };
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import { restockProposals } from '#db/schema/replenishment.ts';
import type { Transaction } from '#db/client.ts';
import type { Actor } from '#server/auth/actor.ts';
import { InvalidTransitionError, NotFoundError, ValidationError, type FieldError } from '#server/core/errors.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { insertPurchaseOrder, insertTransfer } from '#server/purchasing/index.ts';
import { getProposal, proposalView, type ProposalView } from './proposal-queries.ts';

type ProposalRow = typeof restockProposals.$inferSelect;

/** Locks the named proposals; each must exist and still be `proposed` (errors name `ids.N`). */
async function lockOpen(tx: Transaction, ids: readonly string[], target: 'approved' | 'rejected'): Promise<ProposalRow[]> {
  const rows = await tx.select().from(restockProposals).where(inArray(restockProposals.id, [...ids])).orderBy(restockProposals.id).for('update');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing: FieldError[] = [];
  const decided: FieldError[] = [];
  let decidedStatus = '';
  ids.forEach((id, i) => {
    const row = byId.get(id);
    if (!row) missing.push({ path: `ids.${i}`, message: 'no restock proposal has this id' });
    else if (row.status !== 'proposed') {
      decided.push({ path: `ids.${i}`, message: `is ${row.status}, no longer open` });
      decidedStatus ||= row.status;
    }
  });
  if (missing.length > 0) throw new ValidationError(missing);
  if (decided.length > 0) {
    const error = new InvalidTransitionError(decidedStatus, target, 'restock proposal');
    error.errors.push(...decided);
    throw error;
  }
  return ids.map((id) => byId.get(id)!);
}

function who(actor: Actor | null): { id: string; label: string } | null {
  return actor ? { id: actor.id, label: actor.label } : null;
}

export interface ApproveInput {
  ids: string[];
  /** Quantities the planner changed at approval, by proposal id. */
  quantities?: Record<string, number> | undefined;
  note?: string | undefined;
}

export interface ApprovalResult {
  proposals: ProposalView[];
  purchaseOrders: { id: string; number: string; supplierId: string; locationId: string; lines: number }[];
  transfers: { id: string; number: string; fromLocationId: string; toLocationId: string; lines: number }[];
}

/**
 * Approves proposals in one transaction: purchases become submitted purchase orders, one per
 * supplier × destination (lines of the same SKU added up), transfers become requested transfers,
 * one per lane. Either all of them are approved or none (a proposal decided meanwhile → 409).
 */
export async function approveProposals(ctx: ServiceContext, actor: Actor | null, input: ApproveInput, options: { idempotencyKey?: string | undefined } = {}): Promise<ApprovalResult> {
  const quantities = input.quantities ?? {};
  const unknown = Object.keys(quantities).filter((id) => !input.ids.includes(id));
  if (unknown.length > 0) throw new ValidationError(unknown.map((id) => ({ path: `quantities.${id}`, message: 'names a proposal not in ids' })));
  const { result } = await runCommand(ctx.db, { scope: 'replenishment.approve', key: options.idempotencyKey, requestHash: requestHash(input) }, async (tx) => {
    const rows = await lockOpen(tx, input.ids, 'approved');
    const now = ctx.clock.now();
    const quantityOf = (row: ProposalRow) => quantities[row.id] ?? row.quantity;

    const purchases = new Map<string, ProposalRow[]>();
    const moves = new Map<string, ProposalRow[]>();
    for (const row of rows) {
      const key = row.kind === 'purchase' ? `${row.supplierId}>${row.locationId}` : `${row.fromLocationId}>${row.locationId}`;
      const group = row.kind === 'purchase' ? purchases : moves;
      group.set(key, [...(group.get(key) ?? []), row]);
    }
    const merged = (group: ProposalRow[]) => {
      const bySku = new Map<string, number>();
      for (const row of group) bySku.set(row.sku, (bySku.get(row.sku) ?? 0) + quantityOf(row));
      return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
    };

    const result: ApprovalResult = { proposals: [], purchaseOrders: [], transfers: [] };
    const linked = new Map<string, { purchaseOrderId?: string; transferId?: string }>();
    for (const group of purchases.values()) {
      const first = group[0]!;
      const po = await insertPurchaseOrder(tx, ctx, {
        supplierId: first.supplierId!,
        locationId: first.locationId,
        lines: merged(group),
        note: input.note,
        source: `proposals:${group.map((r) => r.id).join(',')}`.slice(0, 2_000),
        submit: true,
        createdBy: who(actor),
      });
      result.purchaseOrders.push({ id: po.id, number: po.number, supplierId: first.supplierId!, locationId: first.locationId, lines: po.lines.length });
      for (const row of group) linked.set(row.id, { purchaseOrderId: po.id });
    }
    for (const group of moves.values()) {
      const first = group[0]!;
      const transfer = await insertTransfer(tx, ctx, {
        fromLocationId: first.fromLocationId!,
        toLocationId: first.locationId,
        lines: merged(group),
        note: input.note,
        source: `proposals:${group.map((r) => r.id).join(',')}`.slice(0, 2_000),
        createdBy: who(actor),
      });
      result.transfers.push({ id: transfer.id, number: transfer.number, fromLocationId: first.fromLocationId!, toLocationId: first.locationId, lines: transfer.lines.length });
      for (const row of group) linked.set(row.id, { transferId: transfer.id });
    }
    for (const row of rows) {
      const [updated] = await tx
        .update(restockProposals)
        .set({ status: 'approved', quantity: quantityOf(row), ...linked.get(row.id), decidedBy: actor?.label ?? null, decidedAt: now, note: input.note ?? row.note, updatedAt: now })
        .where(eq(restockProposals.id, row.id))
        .returning();
      result.proposals.push(proposalView(updated!));
    }
    return result;
  });
  return result;
}

/** Rejects proposals (all or none); the reason stays with them. */
export async function rejectProposals(ctx: ServiceContext, actor: Actor | null, input: { ids: string[]; reason: string }): Promise<ProposalView[]> {
  return ctx.db.transaction(async (tx) => {
    await lockOpen(tx, input.ids, 'rejected');
    const now = ctx.clock.now();
    const rows = await tx
      .update(restockProposals)
      .set({ status: 'rejected', decidedBy: actor?.label ?? null, decidedAt: now, note: input.reason, updatedAt: now })
      .where(and(inArray(restockProposals.id, input.ids), eq(restockProposals.status, 'proposed')))
      .returning();
    return rows.map(proposalView);
  });
}

/** A planner's edit of an open proposal before deciding: its quantity and note. */
export async function editProposal(ctx: ServiceContext, id: string, input: { quantity?: number | undefined; note?: string | undefined }): Promise<ProposalView> {
  if (input.quantity === undefined && input.note === undefined) throw ValidationError.field('quantity', 'give a quantity or a note to change');
  const [row] = await ctx.db
    .update(restockProposals)
    .set({ ...(input.quantity !== undefined ? { quantity: input.quantity } : {}), ...(input.note !== undefined ? { note: input.note } : {}), updatedAt: sql`now()` })
    .where(and(eq(restockProposals.id, id), eq(restockProposals.status, 'proposed')))
    .returning();
  if (row) return proposalView(row);
  const existing = await getProposal(ctx.db, id);
  if (!existing) throw new NotFoundError('The restock proposal');
  throw new InvalidTransitionError(existing.status, 'proposed', 'restock proposal');
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { SourcingDecision } from '#server/sourcing/sourcing.types.ts';

/**
 * Replaces an order's stored sourcing decision by a newer one (a re-sourcing, a filled
 * backorder), keeping the ones before it in its `history` so GET /api/orders/:id/sourcing can
 * tell the whole story. `stored` is the decision as read (with its own history).
 */
export async function storeSourcingDecision(tx: Executor, orderId: string, decision: SourcingDecision, stored: Record<string, unknown>): Promise<void> {
  const history = [...((stored.history as unknown[] | undefined) ?? []), { ...stored, history: undefined }];
  await tx.execute(sql`
    update order_sourcing_decisions set decided_at = ${decision.decidedAt}, strategy = ${decision.log.strategy},
      total_cost_cents = ${decision.costs.totalCents},
      decision = ${JSON.stringify({ ...decision, shortByLine: Object.fromEntries(decision.shortByLine), history })}::jsonb
    where order_id = ${orderId}`);
}

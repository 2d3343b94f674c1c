import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface StoredSourcingDecision {
  orderId: string;
  number: string;
  decidedAt: string;
  strategy: string;
  totalCostCents: number;
  decision: Record<string, unknown>;
}

/** Why an order's units come from where they do: its sourcing decision and log, by order id or number. */
export async function findSourcingDecision(db: Executor, idOrNumber: string): Promise<StoredSourcingDecision | undefined> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrNumber);
  const { rows } = await db.execute<{ order_id: string; number: string; decided_at: Date; strategy: string; total_cost_cents: number; decision: Record<string, unknown> }>(sql`
    select d.order_id, o.number, d.decided_at, d.strategy, d.total_cost_cents, d.decision
    from order_sourcing_decisions d join orders o on o.id = d.order_id
    where ${byId ? sql`o.id = ${idOrNumber}::uuid` : sql`o.number = ${idOrNumber}`}`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    orderId: row.order_id,
    number: row.number,
    decidedAt: new Date(row.decided_at).toISOString(),
    strategy: row.strategy,
    totalCostCents: row.total_cost_cents,
    decision: row.decision,
  };
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import type { StoreCredit } from './store-credit.schemas.ts';

/** A customer's store credit balances and ledger (newest first, at most `limit` entries). */
export async function findStoreCredit(db: Executor, email: string, limit = 200): Promise<StoreCredit> {
  const normalized = email.trim().toLowerCase();
  const customer = await db.execute<{ id: string }>(sql`select id from customers where email = ${normalized}`);
  const customerId = customer.rows[0]?.id;
  if (!customerId) throw new NotFoundError(`Customer ${normalized}`);
  const balances = await db.execute<{ currency: string; balance_cents: number }>(
    sql`select currency, balance_cents from store_credit_accounts where customer_id = ${customerId} order by currency`,
  );
  const ledger = await db.execute<{
    id: string | number;
    delta_cents: number;
    currency: string;
    balance_after_cents: number;
    reason: StoreCredit['ledger'][number]['reason'];
    return_id: string | null;
    order_id: string | null;
    note: string | null;
    occurred_at: Date | string;
  }>(sql`select * from store_credit_ledger where customer_id = ${customerId} order by id desc limit ${limit}`);
  return {
    email: normalized,
    balances: balances.rows.map((b) => ({ currency: b.currency, balanceCents: b.balance_cents })),
    ledger: ledger.rows.map((l) => ({
      id: Number(l.id),
      deltaCents: l.delta_cents,
      currency: l.currency,
      balanceAfterCents: l.balance_after_cents,
      reason: l.reason,
      returnId: l.return_id,
      orderId: l.order_id,
      note: l.note,
      occurredAt: new Date(l.occurred_at).toISOString(),
    })),
  };
}

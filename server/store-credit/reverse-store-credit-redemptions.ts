import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { issueStoreCredit } from './issue-store-credit.ts';

/**
 * Gives back the store credit an order took (when it is cancelled before it ships), in the
 * caller's transaction: one `redemption_reversal` row per currency for what was redeemed and
 * not yet given back, so calling it twice gives back nothing more.
 */
export async function reverseStoreCreditRedemptions(tx: Executor, orderId: string, occurredAt: Date): Promise<{ currency: string; amountCents: number }[]> {
  const open = await tx.execute<{ customer_id: string; currency: string; outstanding: number }>(sql`
    select customer_id, currency, (-sum(delta_cents))::int as outstanding
    from store_credit_ledger
    where order_id = ${orderId} and reason in ('redemption', 'redemption_reversal')
    group by customer_id, currency
    having -sum(delta_cents) > 0`);
  for (const row of open.rows) {
    await issueStoreCredit(tx, { customerId: row.customer_id, amountCents: row.outstanding, currency: row.currency, orderId, returnId: null, occurredAt, reason: 'redemption_reversal' });
  }
  return open.rows.map((r) => ({ currency: r.currency, amountCents: r.outstanding }));
}

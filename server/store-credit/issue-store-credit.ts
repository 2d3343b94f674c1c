import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { storeCreditAccounts, storeCreditLedger } from '#db/schema/returns.ts';
import { EventType } from '#server/core/events.ts';
import { appendEvents } from '#server/outbox/append-events.ts';

export interface StoreCreditIssue {
  customerId: string;
  amountCents: number;
  currency: string;
  /** The order the credit comes from; its events carry the issue. */
  orderId: string;
  returnId: string | null;
  occurredAt: Date;
  note?: string | null | undefined;
  /** `return` by default when there is a returnId, else `adjustment`; `redemption_reversal` gives back what an order took. */
  reason?: 'return' | 'redemption_reversal' | 'adjustment' | undefined;
}

/** Adds to a customer's store credit in the caller's transaction: balance, ledger row and `store_credit.issued`. */
export async function issueStoreCredit(tx: Executor, issue: StoreCreditIssue): Promise<{ ledgerId: number; balanceAfterCents: number }> {
  if (!Number.isSafeInteger(issue.amountCents) || issue.amountCents <= 0) throw new Error(`store credit must be a positive amount of cents, got ${issue.amountCents}`);
  const [account] = await tx
    .insert(storeCreditAccounts)
    .values({ customerId: issue.customerId, currency: issue.currency, balanceCents: issue.amountCents })
    .onConflictDoUpdate({
      target: [storeCreditAccounts.customerId, storeCreditAccounts.currency],
      set: { balanceCents: sql`${storeCreditAccounts.balanceCents} + ${issue.amountCents}`, updatedAt: sql`now()` },
    })
    .returning({ balanceCents: storeCreditAccounts.balanceCents });
  const [ledger] = await tx
    .insert(storeCreditLedger)
    .values({
      customerId: issue.customerId,
      deltaCents: issue.amountCents,
      currency: issue.currency,
      balanceAfterCents: account!.balanceCents,
      reason: issue.reason ?? (issue.returnId ? 'return' : 'adjustment'),
      returnId: issue.returnId,
      orderId: issue.orderId,
      note: issue.note ?? null,
      occurredAt: issue.occurredAt,
    })
    .returning({ id: storeCreditLedger.id });
  await appendEvents(tx, [
    {
      type: EventType.storeCreditIssued,
      aggregateType: 'order',
      aggregateId: issue.orderId,
      occurredAt: issue.occurredAt,
      payload: {
        customerId: issue.customerId,
        returnId: issue.returnId,
        reason: issue.reason ?? (issue.returnId ? 'return' : 'adjustment'),
        amountCents: issue.amountCents,
        currency: issue.currency,
        balanceAfterCents: account!.balanceCents,
      },
    },
  ]);
  return { ledgerId: ledger!.id, balanceAfterCents: account!.balanceCents };
}

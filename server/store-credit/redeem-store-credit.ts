import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { storeCreditAccounts, storeCreditLedger } from '#db/schema/returns.ts';
import { ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { appendEvents } from '#server/outbox/append-events.ts';

export interface StoreCreditRedemption {
  customerId: string;
  amountCents: number;
  currency: string;
  /** The order paid with it; its row must already be written in this transaction. */
  orderId: string;
  occurredAt: Date;
  /** The request field a shortfall is reported on. */
  path?: string;
}

/**
 * Pays `amountCents` of an order with store credit, in the caller's transaction. One guarded
 * update takes the amount only if the balance still covers it, so concurrent redemptions can
 * never overdraw it (the loser re-reads the row after the winner commits and finds too little);
 * a shortfall is a 422 on `path` and the caller's transaction rolls back whole.
 */
export async function redeemStoreCredit(tx: Executor, redemption: StoreCreditRedemption): Promise<{ ledgerId: number; balanceAfterCents: number }> {
  const { customerId, amountCents, currency, orderId, occurredAt } = redemption;
  const path = redemption.path ?? 'amountCents';
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw ValidationError.field(path, 'must be a positive whole number of cents');
  const [account] = await tx
    .update(storeCreditAccounts)
    .set({ balanceCents: sql`${storeCreditAccounts.balanceCents} - ${amountCents}`, updatedAt: sql`now()` })
    .where(and(eq(storeCreditAccounts.customerId, customerId), eq(storeCreditAccounts.currency, currency), sql`${storeCreditAccounts.balanceCents} >= ${amountCents}`))
    .returning({ balanceCents: storeCreditAccounts.balanceCents });
  if (!account) {
    const [current] = await tx
      .select({ balanceCents: storeCreditAccounts.balanceCents })
      .from(storeCreditAccounts)
      .where(and(eq(storeCreditAccounts.customerId, customerId), eq(storeCreditAccounts.currency, currency)));
    throw ValidationError.field(path, `only ${current?.balanceCents ?? 0} ${currency} cents of store credit are available, ${amountCents} were asked for`);
  }
  const [ledger] = await tx
    .insert(storeCreditLedger)
    .values({ customerId, deltaCents: -amountCents, currency, balanceAfterCents: account.balanceCents, reason: 'redemption', orderId, occurredAt })
    .returning({ id: storeCreditLedger.id });
  await appendEvents(tx, [
    {
      type: EventType.storeCreditRedeemed,
      aggregateType: 'order',
      aggregateId: orderId,
      occurredAt,
      payload: { customerId, amountCents, currency, balanceAfterCents: account.balanceCents },
    },
  ]);
  return { ledgerId: ledger!.id, balanceAfterCents: account.balanceCents };
}

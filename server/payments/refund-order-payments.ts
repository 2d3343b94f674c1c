import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { orders } from '#db/schema/orders.ts';
import type { Executor } from '#db/client.ts';
import { payments } from '#db/schema/payments.ts';
import { ConflictError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { issueStoreCredit } from '#server/store-credit/issue-store-credit.ts';
import { withProviderTimeout } from './with-timeout.ts';

/** The `provider` of a payment made with store credit: refunding it credits the customer again. */
export const STORE_CREDIT_PROVIDER = 'store_credit';

/**
 * Pays `amountCents` back to an order's captured payments (oldest first) through the provider,
 * in the caller's transaction, with the payment rows locked: two refunds of one order can
 * never together return more than was captured. Refusing more than is left is a 409 and
 * nothing is refunded. A payment made with store credit (provider `store_credit`) is paid back
 * as store credit. Returns the `payment.refunded` events for the caller to append.
 */
export async function refundOrderPayments(
  ctx: Pick<ServiceContext, 'payments' | 'paymentTimeoutMs'>,
  tx: Executor,
  refund: { orderId: string; amountCents: number; occurredAt: Date; facts: Record<string, unknown> },
): Promise<NewEvent[]> {
  if (refund.amountCents <= 0) return [];
  const open = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, refund.orderId), inArray(payments.status, ['captured', 'partially_refunded'])))
    .orderBy(asc(payments.createdAt), asc(payments.id))
    .for('update');
  const refundable = open.reduce((sum, p) => sum + p.capturedCents - p.refundedCents, 0);
  if (refundable < refund.amountCents) {
    throw new ConflictError(`Only ${refundable} cents of this order's payment can still be refunded, ${refund.amountCents} were due`, [
      { path: 'kind', message: `the captured payment left to refund (${refundable}) does not cover ${refund.amountCents}; resolve with store credit instead` },
    ]);
  }
  const events: NewEvent[] = [];
  let left = refund.amountCents;
  for (const payment of open) {
    const take = Math.min(left, payment.capturedCents - payment.refundedCents);
    if (take <= 0) continue;
    // Keyed by what was refunded before: a retry after a failed commit is the same refund.
    const refundKey = `${payment.id}:${payment.refundedCents}`;
    if (payment.provider === STORE_CREDIT_PROVIDER) {
      const [order] = await tx.select({ customerId: orders.customerId }).from(orders).where(eq(orders.id, refund.orderId));
      const returnId = typeof refund.facts['returnId'] === 'string' ? refund.facts['returnId'] : null;
      await issueStoreCredit(tx, { customerId: order!.customerId, amountCents: take, currency: payment.currency, orderId: refund.orderId, returnId, occurredAt: refund.occurredAt, reason: 'redemption_reversal' });
    } else if (payment.providerRef) {
      await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.refund(payment.providerRef!, take, refundKey));
    }
    const refundedCents = payment.refundedCents + take;
    await tx
      .update(payments)
      .set({
        refundedCents: sql`${payments.refundedCents} + ${take}`,
        status: refundedCents === payment.capturedCents ? 'refunded' : 'partially_refunded',
        updatedAt: refund.occurredAt,
      })
      .where(eq(payments.id, payment.id));
    events.push({
      type: EventType.paymentRefunded,
      aggregateType: 'order',
      aggregateId: refund.orderId,
      occurredAt: refund.occurredAt,
      payload: { ...refund.facts, paymentId: payment.id, amountCents: take, currency: payment.currency },
    });
    left -= take;
    if (left === 0) break;
  }
  return events;
}

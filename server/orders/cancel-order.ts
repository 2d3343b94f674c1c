import { and, eq, inArray, sql } from 'drizzle-orm';
import { orders } from '#db/schema/orders.ts';
import { payments } from '#db/schema/payments.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { releaseOrderStock } from '#server/inventory/release-stock.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import { cancelOrderShipments } from '#server/fulfillment/cancel-order-shipments.ts';
import { reverseStoreCreditRedemptions } from '#server/store-credit/reverse-store-credit-redemptions.ts';
import { lockOrder } from './lock-order.ts';
import { assertTransition } from './order-status.ts';
import { findOrder } from './order-queries.ts';
import type { Order } from './order.schemas.ts';

/**
 * Cancels an order: its reservations go back to stock and its payment is voided (or
 * refunded where money was already captured), all in one transaction. If the provider
 * refuses, nothing changes and the cancel can be retried.
 */
export async function cancelOrder(ctx: ServiceContext, idOrNumber: string, input: { reason?: string | undefined }): Promise<Order> {
  const occurredAt = ctx.clock.now();
  const orderId = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, idOrNumber);
    assertTransition(order.status, 'cancelled');
    await cancelOrderShipments(tx, order.id, occurredAt);
    const released = await releaseOrderStock(tx, order.id, occurredAt);
    // Store credit the order spent goes back to the customer's balance (its payment row is settled below).
    await reverseStoreCreditRedemptions(tx, order.id, occurredAt);

    const events: NewEvent[] = [];
    const base = { aggregateType: 'order' as const, aggregateId: order.id, occurredAt };
    const open = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, order.id), inArray(payments.status, ['authorized', 'captured', 'partially_refunded', 'pending_invoice'])))
      .for('update');
    for (const payment of open) {
      const refundable = payment.capturedCents - payment.refundedCents;
      if (payment.providerRef && refundable > 0) {
        const refundKey = `${payment.id}:${payment.refundedCents}`;
        await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.refund(payment.providerRef!, refundable, refundKey));
        events.push({ ...base, type: EventType.paymentRefunded, payload: { amountCents: refundable, currency: payment.currency } });
      }
      const uncaptured = payment.authorizedCents - payment.capturedCents;
      if (payment.providerRef && payment.capturedCents === 0) {
        await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.void(payment.providerRef!));
        events.push({ ...base, type: EventType.paymentVoided, payload: { amountCents: uncaptured, currency: payment.currency } });
      }
      await tx
        .update(payments)
        .set({
          status: payment.capturedCents > 0 ? 'refunded' : 'voided',
          refundedCents: payment.capturedCents,
          updatedAt: occurredAt,
        })
        .where(eq(payments.id, payment.id));
    }

    await tx
      .update(orders)
      .set({ status: 'cancelled', cancelReason: input.reason ?? null, statusBeforeHold: null, updatedAt: occurredAt })
      .where(eq(orders.id, order.id));
    await tx.execute(sql`update order_lines set backordered_quantity = 0 where order_id = ${order.id}`);
    events.unshift({
      ...base,
      type: EventType.orderCancelled,
      payload: { channel: order.channel, from: order.status, reason: input.reason ?? null, released, totalCents: order.totalCents, currency: order.currency },
    });
    await appendEvents(tx, events);
    return order.id;
  });
  const order = await findOrder(ctx.db, orderId);
  if (!order) throw new Error(`order ${orderId} vanished`);
  return order;
}

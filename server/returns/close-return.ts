import { eq } from 'drizzle-orm';
import { returns } from '#db/schema/returns.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { lockReturn } from './lock-return.ts';
import { orderFacts, returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import type { Return, ReturnReasonInput } from './returns.schemas.ts';
import { settleOrderStatus } from './settle-order-status.ts';

/**
 * Ends an RMA before anything came back: `rejected` by staff (out of policy, say) or
 * `cancelled` (the customer changed their mind). The order returns to delivered when no
 * other RMA of it is still open.
 */
async function closeReturn(ctx: ServiceContext, idOrNumber: string, to: 'rejected' | 'cancelled', input: ReturnReasonInput): Promise<Return> {
  const occurredAt = ctx.clock.now();
  const id = await ctx.db.transaction(async (tx) => {
    const { rma, order } = await lockReturn(tx, idOrNumber);
    assertReturnTransition(rma.status, to);
    await tx
      .update(returns)
      .set({ status: to, rejectReason: input.reason ?? null, closedAt: occurredAt, updatedAt: occurredAt })
      .where(eq(returns.id, rma.id));
    const orderStatus = await settleOrderStatus(tx, order, occurredAt);
    const facts = await orderFacts(tx, rma.orderId);
    const type = to === 'rejected' ? EventType.returnRejected : EventType.returnCancelled;
    await appendEvents(tx, [
      returnEvent(type, rma.orderId, occurredAt, { channel: facts.channel, returnId: rma.id, rmaNumber: rma.number, reason: input.reason ?? null, orderStatus }),
    ]);
    return rma.id;
  });
  return (await findReturn(ctx.db, id))!;
}

export function rejectReturn(ctx: ServiceContext, idOrNumber: string, input: ReturnReasonInput): Promise<Return> {
  return closeReturn(ctx, idOrNumber, 'rejected', input);
}

export function cancelReturn(ctx: ServiceContext, idOrNumber: string, input: ReturnReasonInput): Promise<Return> {
  return closeReturn(ctx, idOrNumber, 'cancelled', input);
}

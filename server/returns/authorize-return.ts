import { eq } from 'drizzle-orm';
import { returns } from '#db/schema/returns.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { lockReturn } from './lock-return.ts';
import { orderFacts, returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import type { Return } from './returns.schemas.ts';

/** Staff accept a requested RMA: the customer may send the goods (and print the label). */
export async function authorizeReturn(ctx: ServiceContext, idOrNumber: string): Promise<Return> {
  const occurredAt = ctx.clock.now();
  const id = await ctx.db.transaction(async (tx) => {
    const { rma } = await lockReturn(tx, idOrNumber);
    assertReturnTransition(rma.status, 'authorized');
    await tx.update(returns).set({ status: 'authorized', authorizedAt: occurredAt, updatedAt: occurredAt }).where(eq(returns.id, rma.id));
    const facts = await orderFacts(tx, rma.orderId);
    await appendEvents(tx, [returnEvent(EventType.returnAuthorized, rma.orderId, occurredAt, { channel: facts.channel, returnId: rma.id, rmaNumber: rma.number })]);
    return rma.id;
  });
  return (await findReturn(ctx.db, id))!;
}

import { eq } from 'drizzle-orm';
import { returns } from '#db/schema/returns.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { lockReturn } from './lock-return.ts';
import { returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import { runStep, singleWork, type LockedTarget, type PreparedStep, type ReturnWork } from './return-step.ts';
import type { Return } from './returns.schemas.ts';

/** Staff accept a requested RMA: the customer may send the goods (and print the label). */
export async function authorizeReturn(ctx: ServiceContext, idOrNumber: string): Promise<Return> {
  const occurredAt = ctx.clock.now();
  const { returnId } = await ctx.db.transaction(async (tx) => {
    const work = singleWork(ctx, tx, occurredAt);
    return runStep(work, prepareAuthorize(work, await lockReturn(tx, idOrNumber)));
  });
  return (await findReturn(ctx.db, returnId))!;
}

export async function prepareAuthorize(work: ReturnWork, { rma }: LockedTarget): Promise<PreparedStep> {
  assertReturnTransition(rma.status, 'authorized');
  return async () => {
    const { tx, occurredAt } = work;
    await tx.update(returns).set({ status: 'authorized', authorizedAt: occurredAt, updatedAt: occurredAt }).where(eq(returns.id, rma.id));
    rma.status = 'authorized';
    const facts = await work.facts(rma.orderId);
    return { returnId: rma.id, restocked: [], events: [returnEvent(EventType.returnAuthorized, rma.orderId, occurredAt, { channel: facts.channel, returnId: rma.id, rmaNumber: rma.number })] };
  };
}

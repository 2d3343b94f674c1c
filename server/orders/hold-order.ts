import { eq } from 'drizzle-orm';
import { orders } from '#db/schema/orders.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { lockOrder } from './lock-order.ts';
import { assertTransition } from './order-status.ts';
import { findOrder } from './order-queries.ts';
import type { Order } from './order.schemas.ts';

/** Puts an order on hold; it keeps its reservations and remembers where it was. */
export async function holdOrder(ctx: ServiceContext, idOrNumber: string, input: { reason?: string | undefined }): Promise<Order> {
  const occurredAt = ctx.clock.now();
  const orderId = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, idOrNumber);
    assertTransition(order.status, 'on_hold');
    await tx
      .update(orders)
      .set({ status: 'on_hold', statusBeforeHold: order.status, holdReason: input.reason ?? null, updatedAt: occurredAt })
      .where(eq(orders.id, order.id));
    await appendEvents(tx, [
      {
        type: EventType.orderHeld,
        aggregateType: 'order',
        aggregateId: order.id,
        occurredAt,
        payload: { channel: order.channel, from: order.status, reason: input.reason ?? null },
      },
    ]);
    return order.id;
  });
  return (await findOrder(ctx.db, orderId))!;
}

/** Releases a hold: the order returns to the status it had before. */
export async function releaseOrder(ctx: ServiceContext, idOrNumber: string): Promise<Order> {
  const occurredAt = ctx.clock.now();
  const orderId = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, idOrNumber);
    if (order.status !== 'on_hold' || !order.statusBeforeHold) throw new InvalidTransitionError(order.status, 'released');
    assertTransition('on_hold', order.statusBeforeHold);
    await tx
      .update(orders)
      .set({ status: order.statusBeforeHold, statusBeforeHold: null, holdReason: null, updatedAt: occurredAt })
      .where(eq(orders.id, order.id));
    await appendEvents(tx, [
      {
        type: EventType.orderReleased,
        aggregateType: 'order',
        aggregateId: order.id,
        occurredAt,
        payload: { channel: order.channel, to: order.statusBeforeHold },
      },
    ]);
    return order.id;
  });
  return (await findOrder(ctx.db, orderId))!;
}

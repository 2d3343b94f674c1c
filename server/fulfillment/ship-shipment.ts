import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { captureShipmentPayment } from './capture-shipment-payment.ts';
import { consumeShipmentStock } from './consume-shipment-stock.ts';
import { orderShippedEvent } from './fulfillment-events.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { Shipment } from './fulfillment.schemas.ts';
import { lockShipment } from './lock-shipment.ts';
import { advanceOrder } from './order-progress.ts';
import { assertShipmentTransition } from './shipment-status.ts';

/**
 * Hands a packed shipment to its carrier: its units leave stock, its share of the payment is
 * captured, `order.shipped` is written, and the order becomes shipped once all its shipments
 * have left. A pickup shipment is not shipped: it becomes ready for pickup instead.
 */
export async function shipShipment(ctx: ServiceContext, actor: Actor | null, shipmentId: string): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const shipment = await lockShipment(tx, shipmentId, actor);
    assertShipmentTransition(shipment.status, 'shipped');
    // exception → shipped is the carrier's word (a scan after an exception), not a second hand-over.
    if (shipment.status !== 'packed') throw new InvalidTransitionError(shipment.status, 'shipped', 'shipment');
    if (shipment.carrier === null) throw new InvalidTransitionError(shipment.status, 'shipped', 'pickup shipment');
    await tx.execute(sql`update shipments set status = 'shipped', shipped_at = ${occurredAt}, updated_at = ${occurredAt} where id = ${shipment.id}`);
    await advanceOrder(tx, shipment.orderId, occurredAt);
    await consumeShipmentStock(tx, shipment, occurredAt);
    const shipped = await orderShippedEvent(tx, shipment, occurredAt);
    const capture = await captureShipmentPayment(ctx, tx, shipment, occurredAt);
    await appendEvents(tx, capture.event ? [shipped, capture.event] : [shipped]);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

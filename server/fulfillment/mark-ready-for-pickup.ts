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
 * A packed pickup shipment goes to the store's counter. For the KPIs this is its hand-over:
 * `order.shipped` (carrier null, no destination) with its costs, the units leave stock, the
 * payment share is captured and the order becomes shipped; the customer's pickup is its delivery.
 */
export async function markReadyForPickup(ctx: ServiceContext, actor: Actor | null, shipmentId: string): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const shipment = await lockShipment(tx, shipmentId, actor);
    assertShipmentTransition(shipment.status, 'ready_for_pickup');
    if (shipment.deliveryMethod !== 'pickup') throw new InvalidTransitionError(shipment.status, 'ready_for_pickup', 'shipment to a customer');
    await tx.execute(sql`update shipments set status = 'ready_for_pickup', shipped_at = ${occurredAt}, updated_at = ${occurredAt} where id = ${shipment.id}`);
    await advanceOrder(tx, shipment.orderId, occurredAt);
    await consumeShipmentStock(tx, shipment, occurredAt);
    const shipped = await orderShippedEvent(tx, shipment, occurredAt);
    const capture = await captureShipmentPayment(ctx, tx, shipment, occurredAt);
    await appendEvents(tx, capture.event ? [shipped, capture.event] : [shipped]);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

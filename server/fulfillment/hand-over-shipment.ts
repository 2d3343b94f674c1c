import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { captureShipmentPayment } from './capture-shipment-payment.ts';
import { consumeShipmentStock } from './consume-shipment-stock.ts';
import { orderShippedEvent } from './fulfillment-events.ts';
import { handBackShortPicks } from './hand-back-short-picks.ts';
import type { LockedShipment } from './lock-shipment.ts';
import { advanceOrder } from './order-progress.ts';

/**
 * What happens when goods leave a location, to a carrier (`shipped`) or to the store's counter
 * (`ready_for_pickup`), in the caller's transaction with the shipment locked: the status, the
 * units out of stock, the order's progress, `order.shipped` and the capture of its payment share.
 * Units a short pick did not find are re-sourced or backordered first, not dropped.
 */
export async function handOverShipment(
  ctx: Pick<ServiceContext, 'payments' | 'paymentTimeoutMs' | 'sourcingPolicy'>,
  tx: Executor,
  shipment: LockedShipment,
  status: 'shipped' | 'ready_for_pickup',
  occurredAt: Date,
): Promise<void> {
  // While the shipment is still packed: the re-sourcing counts its units as reserved, not gone.
  await handBackShortPicks(ctx, tx, shipment, occurredAt);
  await tx.execute(sql`update shipments set status = ${status}, shipped_at = ${occurredAt}, updated_at = ${occurredAt} where id = ${shipment.id}`);
  // Stock first: the order's progress counts the allocations the shipment has not taken out yet.
  await consumeShipmentStock(tx, shipment, occurredAt);
  await advanceOrder(tx, shipment.orderId, occurredAt);
  const shipped = await orderShippedEvent(tx, shipment, occurredAt);
  const capture = await captureShipmentPayment(ctx, tx, shipment, occurredAt);
  await appendEvents(tx, capture.event ? [shipped, capture.event] : [shipped]);
}

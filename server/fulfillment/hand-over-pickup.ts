import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { orderDeliveredEvent } from './fulfillment-events.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { Shipment } from './fulfillment.schemas.ts';
import { lockShipment } from './lock-shipment.ts';
import { advanceOrder } from './order-progress.ts';
import { assertShipmentTransition } from './shipment-status.ts';

/** The customer collects a pickup shipment: picked_up, and `order.delivered` with deliveredAt = now. */
export async function handOverPickup(ctx: ServiceContext, actor: Actor | null, shipmentId: string): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const shipment = await lockShipment(tx, shipmentId, actor);
    assertShipmentTransition(shipment.status, 'picked_up');
    await tx.execute(sql`update shipments set status = 'picked_up', delivered_at = ${occurredAt}, updated_at = ${occurredAt} where id = ${shipment.id}`);
    await tx.execute(sql`update packages set status = 'delivered', last_event_at = ${occurredAt} where shipment_id = ${shipment.id}`);
    await advanceOrder(tx, shipment.orderId, occurredAt);
    await appendEvents(tx, [await orderDeliveredEvent(tx, shipment, occurredAt, occurredAt)]);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

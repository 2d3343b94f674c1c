import type { Actor } from '#server/auth/actor.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { Shipment } from './fulfillment.schemas.ts';
import { handOverShipment } from './hand-over-shipment.ts';
import { lockShipment } from './lock-shipment.ts';
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
    await handOverShipment(ctx, tx, shipment, 'ready_for_pickup', occurredAt);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

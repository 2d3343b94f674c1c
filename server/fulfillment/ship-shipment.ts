import type { Actor } from '#server/auth/actor.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { Shipment } from './fulfillment.schemas.ts';
import { handOverShipment } from './hand-over-shipment.ts';
import { lockShipment } from './lock-shipment.ts';
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
    await handOverShipment(ctx, tx, shipment, 'shipped', occurredAt);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, InvalidTransitionError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { lockOrder } from '#server/orders/lock-order.ts';
import type { RejectShipmentInput, RerouteResult } from './fulfillment.schemas.ts';
import { lockShipment } from './lock-shipment.ts';
import { REROUTABLE, resourceOrder } from './resource-order.ts';

/**
 * A location cannot send (all of) a pending or picking shipment: a short pick or damage (with
 * what each listed line can still send), or no capacity or a closure (the whole shipment). In one
 * transaction, order → shipment → stock locked in that order: the handed-back units leave the
 * shipment (emptied, it is cancelled), their reservations are released, on-hand is corrected and
 * the engine re-sources them (resource-order.ts). Picked units cannot be handed back (409): after
 * a short pick only the units not found can, so a rejection and a pick of the same units never
 * both succeed.
 */
export async function rejectShipment(ctx: ServiceContext, actor: Actor | null, shipmentId: string, input: RejectShipmentInput): Promise<RerouteResult> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const owner = await tx.execute<{ order_id: string }>(sql`select order_id from shipments where id = ${shipmentId}`);
    if (!owner.rows[0]) throw new NotFoundError(`Shipment ${shipmentId}`);
    const order = await lockOrder(tx, owner.rows[0].order_id);
    const shipment = await lockShipment(tx, shipmentId, actor);
    // A held order waits for a person; a cancelled one has nothing left to send.
    if (!REROUTABLE.includes(order.status)) throw new InvalidTransitionError(order.status, 'rerouted');
    if (shipment.status !== 'pending' && shipment.status !== 'picking') throw new InvalidTransitionError(shipment.status, 'rejected', 'shipment');

    const lineRows = await tx.execute<{ id: string; order_line_id: string; quantity: number; picked_quantity: number; picked_at: Date | null; line_index: number }>(sql`
      select sl.id, sl.order_line_id, sl.quantity, sl.picked_quantity, sl.picked_at,
        (select count(*)::int from order_lines o2 where o2.order_id = ol.order_id and o2.line_no < ol.line_no) as line_index
      from shipment_lines sl join order_lines ol on ol.id = sl.order_line_id
      where sl.shipment_id = ${shipmentId} order by sl.id for update of sl`);
    const lines = lineRows.rows;
    const handedBack = new Map<string, number>();
    if (input.reason === 'capacity' || input.reason === 'closure') {
      for (const l of lines) handedBack.set(l.id, l.quantity);
    } else {
      input.lines!.forEach((given, k) => {
        const line = lines.find((l) => l.id === given.shipmentLineId);
        if (!line) throw ValidationError.field(`lines.${k}.shipmentLineId`, 'is not a line of this shipment');
        if (given.fulfillableQuantity >= line.quantity) throw ValidationError.field(`lines.${k}.fulfillableQuantity`, `must be less than ${line.quantity}, the units of the line`);
        if (line.picked_at !== null && given.fulfillableQuantity < line.picked_quantity) {
          throw new ConflictError(`Shipment line ${line.id} is already picked with ${line.picked_quantity} unit(s): only the units not picked can be handed back`, [
            { path: `lines.${k}.fulfillableQuantity`, message: `must be at least ${line.picked_quantity}, the units already picked` },
          ]);
        }
        handedBack.set(line.id, line.quantity - given.fulfillableQuantity);
      });
    }
    const picked = input.lines ? undefined : lines.find((l) => l.picked_at !== null);
    if (picked) throw new ConflictError(`Shipment line ${picked.id} is already picked: the shipment can no longer be handed back whole`, [{ path: 'id', message: 'has a picked line' }]);

    const emptied = lines.every((l) => (handedBack.get(l.id) ?? 0) >= l.quantity);
    if (emptied) {
      await tx.execute(sql`update shipment_lines set picker_id = null, pick_claimed_at = null where shipment_id = ${shipmentId}`);
      await tx.execute(sql`update shipments set status = 'cancelled', updated_at = ${at} where id = ${shipmentId}`);
    } else {
      for (const [id, units] of handedBack) {
        const line = lines.find((l) => l.id === id)!;
        if (units >= line.quantity) await tx.execute(sql`delete from shipment_lines where id = ${id}`);
        else await tx.execute(sql`update shipment_lines set quantity = quantity - ${units} where id = ${id}`);
      }
      await tx.execute(sql`update shipments set updated_at = ${at} where id = ${shipmentId}`);
    }

    const byLineIndex = new Map<number, number>();
    for (const l of lines) {
      const units = handedBack.get(l.id) ?? 0;
      if (units > 0) byLineIndex.set(l.line_index, (byLineIndex.get(l.line_index) ?? 0) + units);
    }
    return resourceOrder(tx, {
      policy: ctx.sourcingPolicy,
      orderId: order.id,
      orderStatus: order.status,
      locationId: shipment.locationId,
      reason: input.reason,
      eventReason: input.reason,
      handBack: byLineIndex,
      at,
      actorId: actor?.kind === 'user' ? actor.id : null,
    });
  });
}

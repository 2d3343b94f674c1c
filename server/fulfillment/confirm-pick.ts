import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { ConfirmPickInput, Shipment } from './fulfillment.schemas.ts';
import { lockShipment } from './lock-shipment.ts';
import { shipmentsOfLines } from './shipment-lines.ts';

/**
 * The claimer confirms how many units of a line they picked. Fewer than the line's quantity is
 * a short pick: the picked units go on to packing; the rest is re-sourced when the location
 * rejects it (reject-shipment.ts), else when the shipment leaves (hand-back-short-picks.ts).
 */
export async function confirmPick(ctx: ServiceContext, actor: Actor | null, lineId: string, input: ConfirmPickInput): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  const shipmentId = await ctx.db.transaction(async (tx) => {
    const [shipmentId] = await shipmentsOfLines(tx, [lineId]);
    if (!shipmentId) throw new NotFoundError(`Shipment line ${lineId}`);
    const shipment = await lockShipment(tx, shipmentId, actor);
    const result = await tx.execute<{ quantity: number; picker_id: string | null; picked_at: Date | null }>(
      sql`select quantity, picker_id, picked_at from shipment_lines where id = ${lineId} for update`,
    );
    const line = result.rows[0]!;
    if (shipment.status !== 'picking') throw new InvalidTransitionError(shipment.status, 'picking', 'shipment');
    if (shipment.orderStatus !== 'picking') throw new InvalidTransitionError(shipment.orderStatus, 'picking');
    if (line.picker_id === null) throw new ConflictError(`Shipment line ${lineId} is not claimed: claim it before picking`, [{ path: 'id', message: 'is not claimed' }]);
    if (actor?.kind !== 'user' || line.picker_id !== actor.id) {
      throw new ForbiddenError('Only the picker who claimed the line may confirm its pick', [{ path: 'id', message: 'is claimed by another picker' }]);
    }
    if (line.picked_at !== null) throw new ConflictError(`Shipment line ${lineId} is already picked`, [{ path: 'id', message: 'is already picked' }]);
    if (input.quantity > line.quantity) throw ValidationError.field('quantity', `must be at most ${line.quantity}, the units of the line`);
    await tx.execute(sql`update shipment_lines set picked_quantity = ${input.quantity}, picked_at = ${occurredAt} where id = ${lineId}`);
    return shipment.id;
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

import { sql } from 'drizzle-orm';
import { can, type Actor } from '#server/auth/actor.ts';
import { ConflictError, ForbiddenError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import type { PickClaimInput, Shipment } from './fulfillment.schemas.ts';
import { requireShipmentLocation } from './lock-shipment.ts';
import { lockLinesWithShipments } from './shipment-lines.ts';

/**
 * Gives claimed lines back to the pick list, all or none: a picker their own, a manager anyone's
 * (a picker who went home). Picked lines stay with their picker (409). A shipment with no claim
 * and no pick left goes back to pending.
 */
export async function releasePickClaims(ctx: ServiceContext, actor: Actor | null, input: PickClaimInput): Promise<{ released: Shipment['lines'] }> {
  if (actor === null) throw new ForbiddenError('Sign in to release pick claims');
  const ids = [...new Set(input.shipmentLineIds)];
  const pathOf = (id: string) => `shipmentLineIds.${input.shipmentLineIds.indexOf(id)}`;
  const manager = can(actor, 'fulfillment:release');
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { shipments: locked, line: lineOf, shipmentOf } = await lockLinesWithShipments(tx, ids);
    const conflicts: FieldError[] = [];
    for (const id of ids) {
      const line = lineOf(id);
      requireShipmentLocation(actor, shipmentOf(line).locationId, pathOf(id));
      if (line.picked_at !== null) conflicts.push({ path: pathOf(id), message: `line ${id} is already picked` });
      else if (line.picker_id !== null && line.picker_id !== actor.id && !manager) {
        throw new ForbiddenError("Only a manager may release another picker's claim", [{ path: pathOf(id), message: 'is claimed by another picker' }]);
      }
    }
    if (conflicts.length > 0) throw new ConflictError(conflicts.map((c) => c.message).join('; '), conflicts);
    const released = await tx.execute<{ id: string; sku: string; quantity: number; picked_quantity: number; packed_quantity: number }>(sql`
      update shipment_lines set picker_id = null, pick_claimed_at = null where id = any(${sql.param(ids)}::uuid[])
      returning id, sku, quantity, picked_quantity, packed_quantity`);
    await tx.execute(sql`
      update shipments s set status = 'pending', updated_at = ${occurredAt}
      where s.id = any(${sql.param(locked.map((s) => s.id))}::uuid[]) and s.status = 'picking'
        and not exists (select 1 from shipment_lines sl where sl.shipment_id = s.id and (sl.picker_id is not null or sl.picked_at is not null))`);
    return {
      released: released.rows
        .map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity, pickedQuantity: l.picked_quantity, packedQuantity: l.packed_quantity, pickerId: null, pickClaimedAt: null, pickedAt: null }))
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)),
    };
  });
}

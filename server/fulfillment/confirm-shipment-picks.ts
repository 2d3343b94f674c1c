import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidTransitionError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { ConfirmShipmentPicksInput, Shipment } from './fulfillment.schemas.ts';
import { lockShipment } from './lock-shipment.ts';

/**
 * The claimer confirms the pick of a whole shipment at once: every line not yet picked, in full
 * unless `lines` says fewer (a short pick, as for one line). The same rules as confirming line by
 * line (confirm-pick.ts), all or nothing: each line must be claimed by the caller, and a line
 * named must be the shipment's and not picked yet.
 */
export async function confirmShipmentPicks(ctx: ServiceContext, actor: Actor | null, shipmentId: string, input: ConfirmShipmentPicksInput): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const shipment = await lockShipment(tx, shipmentId, actor);
    if (shipment.status !== 'picking') throw new InvalidTransitionError(shipment.status, 'picking', 'shipment');
    if (shipment.orderStatus !== 'picking') throw new InvalidTransitionError(shipment.orderStatus, 'picking');
    const result = await tx.execute<{ id: string; quantity: number; picker_id: string | null; picked_at: Date | null }>(
      sql`select id, quantity, picker_id, picked_at from shipment_lines where shipment_id = ${shipment.id} order by id for update`,
    );
    const lineOf = new Map(result.rows.map((l) => [l.id, l]));
    const quantityOf = new Map<string, number>();
    const invalid: FieldError[] = [];
    const conflicts: FieldError[] = [];
    (input.lines ?? []).forEach((named, i) => {
      const line = lineOf.get(named.shipmentLineId);
      if (!line) invalid.push({ path: `lines.${i}.shipmentLineId`, message: 'is not a line of this shipment' });
      else if (line.picked_at !== null) conflicts.push({ path: `lines.${i}.shipmentLineId`, message: `line ${line.id} is already picked` });
      else if (named.quantity > line.quantity) invalid.push({ path: `lines.${i}.quantity`, message: `must be at most ${line.quantity}, the units of the line` });
      else quantityOf.set(line.id, named.quantity);
    });
    if (invalid.length > 0) throw new ValidationError(invalid);
    if (conflicts.length > 0) throw new ConflictError(conflicts.map((c) => c.message).join('; '), conflicts);

    const open = result.rows.filter((l) => l.picked_at === null);
    if (open.length === 0) throw new ConflictError(`Every line of shipment ${shipment.id} is already picked`, [{ path: 'id', message: 'has no line left to pick' }]);
    const unclaimed = open.filter((l) => l.picker_id === null);
    if (unclaimed.length > 0) {
      throw new ConflictError(`Lines ${unclaimed.map((l) => l.id).join(', ')} are not claimed: claim them before picking`, [{ path: 'id', message: 'has lines not claimed' }]);
    }
    if (actor?.kind !== 'user' || open.some((l) => l.picker_id !== actor.id)) {
      throw new ForbiddenError('Only the picker who claimed the lines may confirm their pick', [{ path: 'id', message: 'has lines claimed by another picker' }]);
    }
    // By the shipment's index, whatever the planner thinks of the table's size.
    await tx.execute(sql`
      update shipment_lines sl set picked_quantity = p.quantity, picked_at = ${occurredAt}
      from unnest(${sql.param(open.map((l) => l.id))}::uuid[], ${sql.param(open.map((l) => quantityOf.get(l.id) ?? l.quantity))}::int[]) as p(id, quantity)
      where sl.shipment_id = ${shipment.id} and sl.id = p.id`);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, ForbiddenError, InvalidTransitionError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { orderPickingStartedEvent } from './fulfillment-events.ts';
import { lockLinesWithShipments } from './shipment-lines.ts';
import { requireShipmentLocation } from './lock-shipment.ts';
import { advanceOrder } from './order-progress.ts';
import { assertShipmentTransition } from './shipment-status.ts';
import type { PickClaimInput, Shipment } from './fulfillment.schemas.ts';

/**
 * A picker claims shipment lines: all of them or none. A line another picker holds is a 409
 * naming it; the picker's own claims are claimed again harmlessly. The shipments start picking
 * (`order.picking_started` each) and their orders with them. Two pickers claiming one line at
 * once queue on the order's lock: the second sees the first's claim.
 */
export async function claimPicks(ctx: ServiceContext, actor: Actor | null, input: PickClaimInput): Promise<{ claimed: Shipment['lines'] }> {
  if (actor?.kind !== 'user') throw new ForbiddenError('Pick claims are made by a signed-in person, not an API token');
  const ids = [...new Set(input.shipmentLineIds)];
  const pathOf = (id: string) => `shipmentLineIds.${input.shipmentLineIds.indexOf(id)}`;
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { shipments: locked, lines, line: lineOf, shipmentOf } = await lockLinesWithShipments(tx, ids);
    const conflicts: FieldError[] = [];
    for (const id of ids) {
      const line = lineOf(id);
      const shipment = shipmentOf(line);
      requireShipmentLocation(actor, shipment.locationId, pathOf(id));
      if (shipment.status !== 'pending' && shipment.status !== 'picking') throw new InvalidTransitionError(shipment.status, 'picking', 'shipment');
      // A held or cancelled order's lines wait, even on a shipment already being picked.
      if (shipment.orderStatus !== 'allocated' && shipment.orderStatus !== 'picking') throw new InvalidTransitionError(shipment.orderStatus, 'picking');
      if (line.picked_at !== null) conflicts.push({ path: pathOf(id), message: `line ${id} is already picked` });
      else if (line.picker_id !== null && line.picker_id !== actor.id) conflicts.push({ path: pathOf(id), message: `line ${id} is claimed by another picker` });
    }
    if (conflicts.length > 0) throw new ConflictError(conflicts.map((c) => c.message).join('; '), conflicts);

    const claimed = await tx.execute<{ id: string; sku: string; quantity: number; picked_quantity: number; packed_quantity: number; picker_id: string; pick_claimed_at: Date }>(sql`
      update shipment_lines set picker_id = ${actor.id}, pick_claimed_at = coalesce(pick_claimed_at, ${occurredAt})
      where id = any(${sql.param(ids)}::uuid[])
      returning id, sku, quantity, picked_quantity, packed_quantity, picker_id, pick_claimed_at`);
    const starting = locked.filter((s) => s.status === 'pending' && lines.some((l) => l.shipment_id === s.id));
    for (const s of starting) assertShipmentTransition(s.status, 'picking');
    if (starting.length > 0) {
      await tx.execute(sql`update shipments set status = 'picking', updated_at = ${occurredAt} where id = any(${sql.param(starting.map((s) => s.id))}::uuid[])`);
    }
    for (const orderId of new Set(starting.map((s) => s.orderId))) await advanceOrder(tx, orderId, occurredAt);
    const events: NewEvent[] = [];
    for (const s of starting) events.push(await orderPickingStartedEvent(tx, s, actor.id, occurredAt));
    await appendEvents(tx, events);
    return {
      claimed: claimed.rows
        .map((l) => ({
          id: l.id,
          sku: l.sku,
          quantity: l.quantity,
          pickedQuantity: l.picked_quantity,
          packedQuantity: l.packed_quantity,
          pickerId: l.picker_id,
          pickClaimedAt: new Date(l.pick_claimed_at).toISOString(),
          pickedAt: null,
        }))
        .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)),
    };
  });
}

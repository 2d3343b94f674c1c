import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, InvalidTransitionError, ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { lockOrder } from '#server/orders/lock-order.ts';
import type { RerouteOrderInput, RerouteResult } from './fulfillment.schemas.ts';
import { lockShipments, requireShipmentLocation } from './lock-shipment.ts';
import { REROUTABLE, resourceOrder } from './resource-order.ts';

/**
 * A manager takes an order's units away from a location whose shipments have not started
 * picking: like a closure for this order (the location is excluded), or sent to `toLocationId`
 * only when given. Same transaction shape and machinery as a rejection (resource-order.ts).
 */
export async function rerouteOrder(ctx: ServiceContext, actor: Actor | null, orderId: string, input: RerouteOrderInput): Promise<RerouteResult> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    requireShipmentLocation(actor, input.fromLocationId, 'fromLocationId');
    const order = await lockOrder(tx, orderId);
    if (!REROUTABLE.includes(order.status)) throw new InvalidTransitionError(order.status, 'rerouted');
    const ids = await tx.execute<{ id: string }>(sql`select id from shipments where order_id = ${order.id} and location_id = ${input.fromLocationId}`);
    const shipments = (await lockShipments(tx, ids.rows.map((r) => r.id))).filter((s) => s.status !== 'cancelled');
    const started = shipments.find((s) => s.status !== 'pending');
    if (started) throw new InvalidTransitionError(started.status, 'rerouted', 'shipment');

    const open = await tx.execute<{ line_index: number; quantity: number }>(sql`
      select (select count(*)::int from order_lines o2 where o2.order_id = ol.order_id and o2.line_no < ol.line_no) as line_index, sum(a.quantity)::int as quantity
      from order_allocations a join order_lines ol on ol.id = a.order_line_id
      where a.order_id = ${order.id} and a.location_id = ${input.fromLocationId} and a.released_at is null
      group by ol.id, ol.order_id, ol.line_no`);
    if (open.rows.length === 0) throw ValidationError.field('fromLocationId', 'holds no units of this order');
    if (input.toLocationId) {
      const target = await tx.execute<{ active: boolean }>(sql`select active from locations where id = ${input.toLocationId}`);
      if (!target.rows[0]) throw ValidationError.field('toLocationId', 'no location has this id');
      if (!target.rows[0].active) throw ValidationError.field('toLocationId', 'is not active');
    }

    if (shipments.length > 0) {
      const shipmentIds = shipments.map((s) => s.id);
      await tx.execute(sql`update shipments set status = 'cancelled', updated_at = ${at} where id = any(${sql.param(shipmentIds)}::uuid[])`);
    }
    const result = await resourceOrder(tx, {
      policy: ctx.sourcingPolicy,
      orderId: order.id,
      orderStatus: order.status,
      locationId: input.fromLocationId,
      reason: 'closure',
      eventReason: 'manager_reroute',
      handBack: new Map(open.rows.map((r) => [r.line_index, r.quantity])),
      onlyLocationId: input.toLocationId,
      at,
      actorId: actor?.kind === 'user' ? actor.id : null,
    });
    // A manager's explicit target that cannot take everything changes nothing (the transaction rolls back).
    if (input.toLocationId && (result.backordered.length > 0 || result.moved.some((m) => m.locationId !== input.toLocationId))) {
      throw new ConflictError('The chosen location cannot send these units', [{ path: 'toLocationId', message: 'cannot take all the units (stock, capacity or reach)' }]);
    }
    return result;
  });
}

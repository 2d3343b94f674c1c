import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { mayUseLocation, type Actor } from '#server/auth/actor.ts';
import { ForbiddenError, NotFoundError } from '#server/core/errors.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import type { DeliveryService } from './carrier-rules.ts';
import type { ShipmentStatus } from './shipment-status.ts';

export interface LockedShipment {
  id: string;
  orderId: string;
  orderStatus: OrderStatus;
  deliveryMethod: 'ship' | 'pickup';
  number: number;
  locationId: string;
  status: ShipmentStatus;
  carrier: string | null;
  service: DeliveryService;
  promisedAt: Date | null;
  pickPackCostCents: number;
  packagingCostCents: number;
  labelCostCents: number;
}

/**
 * Locks shipments for the rest of the transaction, their orders first: every fulfillment
 * command takes order → shipment → line locks in that order (ids ascending), so none deadlock.
 */
export async function lockShipments(tx: Executor, ids: string[]): Promise<LockedShipment[]> {
  if (ids.length === 0) return [];
  await tx.execute(sql`
    select o.id from orders o where o.id in (select order_id from shipments where id = any(${sql.param(ids)}::uuid[]))
    order by o.id for update of o`);
  const result = await tx.execute<{
    id: string;
    order_id: string;
    order_status: OrderStatus;
    delivery_method: 'ship' | 'pickup';
    number: number;
    location_id: string;
    status: ShipmentStatus;
    carrier: string | null;
    service: DeliveryService;
    promised_at: Date | string | null;
    pick_pack_cost_cents: number;
    packaging_cost_cents: number;
    label_cost_cents: number;
  }>(sql`
    select s.id, s.order_id, o.status as order_status, o.delivery_method, s.number, s.location_id, s.status, s.carrier, s.service,
      s.promised_at, s.pick_pack_cost_cents, s.packaging_cost_cents, s.label_cost_cents
    from shipments s join orders o on o.id = s.order_id
    where s.id = any(${sql.param(ids)}::uuid[])
    order by s.id
    for update of s`);
  return result.rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    orderStatus: r.order_status,
    deliveryMethod: r.delivery_method,
    number: r.number,
    locationId: r.location_id,
    status: r.status,
    carrier: r.carrier,
    service: r.service,
    promisedAt: r.promised_at === null ? null : new Date(r.promised_at),
    pickPackCostCents: r.pick_pack_cost_cents,
    packagingCostCents: r.packaging_cost_cents,
    labelCostCents: r.label_cost_cents,
  }));
}

/** One shipment, locked, that the actor may work on: 404 when unknown, 403 at another location. */
export async function lockShipment(tx: Executor, id: string, actor: Actor | null): Promise<LockedShipment> {
  const [shipment] = await lockShipments(tx, [id]);
  if (!shipment) throw new NotFoundError(`Shipment ${id}`);
  requireShipmentLocation(actor, shipment.locationId);
  return shipment;
}

export function requireShipmentLocation(actor: Actor | null, locationId: string, path = 'id'): void {
  if (!mayUseLocation(actor, locationId)) {
    throw new ForbiddenError('You may only work on shipments of your own locations', [{ path, message: 'belongs to a location that is not yours' }]);
  }
}

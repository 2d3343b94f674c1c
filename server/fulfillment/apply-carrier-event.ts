import { sql } from 'drizzle-orm';
import { NotFoundError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { canTransition } from '#server/orders/order-status.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import type { CarrierEventInput, CarrierEventResult, PackageStatus } from './carrier-events.schemas.ts';
import { orderDeliveredEvent } from './fulfillment-events.ts';
import { lockShipments } from './lock-shipment.ts';
import { advanceOrder } from './order-progress.ts';
import { canShipmentTransition, type ShipmentStatus } from './shipment-status.ts';

/**
 * Applies one tracking event a carrier sent. Every event is recorded once per (carrier,
 * eventId): a redelivery is acknowledged and changes nothing. A scan older than the package's
 * last one is recorded but does not move the package back. The shipment follows its packages:
 * delivered when all are (then `order.delivered`, and the order is delivered when all its
 * shipments are), returned_to_sender or exception when one is, back to shipped when an exception
 * clears; moves the transition table forbids are not made (the scan is still recorded).
 */
export async function applyCarrierEvent(ctx: ServiceContext, carrier: string, input: CarrierEventInput): Promise<CarrierEventResult> {
  const receivedAt = ctx.clock.now();
  const occurredAt = new Date(input.occurredAt);
  return ctx.db.transaction(async (tx) => {
    const found = await tx.execute<{ id: string; shipment_id: string }>(sql`
      select p.id, p.shipment_id from packages p join shipments s on s.id = p.shipment_id
      where p.tracking_number = ${input.trackingNumber} and s.carrier = ${carrier}`);
    const parcel = found.rows[0];
    if (!parcel) throw new NotFoundError(`Package ${input.trackingNumber} of carrier ${carrier}`);
    const [shipment] = await lockShipments(tx, [parcel.shipment_id]);
    const current = await tx.execute<{ status: PackageStatus; last_event_at: Date | string | null }>(
      sql`select status, last_event_at from packages where id = ${parcel.id} for update`,
    );
    const lastEventAt = current.rows[0]!.last_event_at;
    const applied = lastEventAt === null || occurredAt.getTime() > new Date(lastEventAt).getTime();
    const recorded = await tx.execute(sql`
      insert into carrier_events (carrier, carrier_event_id, tracking_number, status, occurred_at, created_at, applied, payload)
      values (${carrier}, ${input.eventId}, ${input.trackingNumber}, ${input.status}, ${occurredAt}, ${receivedAt}, ${applied}, ${JSON.stringify(input)}::jsonb)
      on conflict (carrier, carrier_event_id) do nothing
      returning id`);
    if (recorded.rows.length === 0) {
      return { duplicate: true, applied: false, packageStatus: current.rows[0]!.status, shipmentStatus: shipment!.status };
    }
    if (!applied) return { duplicate: false, applied: false, packageStatus: current.rows[0]!.status, shipmentStatus: shipment!.status };
    await tx.execute(sql`update packages set status = ${input.status}, last_event_at = ${occurredAt} where id = ${parcel.id}`);

    const all = await tx.execute<{ status: PackageStatus }>(sql`select status from packages where shipment_id = ${shipment!.id}`);
    const target = shipmentTargetOf(shipment!.status, all.rows.map((r) => r.status));
    let shipmentStatus = shipment!.status;
    if (target && target !== shipment!.status && canShipmentTransition(shipment!.status, target)) {
      shipmentStatus = target;
      await tx.execute(sql`
        update shipments set status = ${target}, delivered_at = ${target === 'delivered' ? occurredAt : null}, updated_at = ${receivedAt}
        where id = ${shipment!.id}`);
      if (target === 'delivered') {
        await appendEvents(tx, [await orderDeliveredEvent(tx, shipment!, occurredAt, receivedAt)]);
        if (shipment!.orderStatus === 'shipped') await advanceOrder(tx, shipment!.orderId, receivedAt);
      }
      if (target === 'returned_to_sender') await returnOrderIfAllReturned(tx, shipment!.orderId, receivedAt);
    }
    return { duplicate: false, applied: true, packageStatus: input.status, shipmentStatus };
  });
}

/**
 * The status a shipment in `current` follows its packages to: delivered when all are,
 * returned_to_sender or exception when one is, back to shipped when an exception clears; null
 * for no change. The transition table still has the last word.
 */
export function shipmentTargetOf(current: ShipmentStatus, statuses: readonly PackageStatus[]): ShipmentStatus | null {
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  if (statuses.includes('returned_to_sender')) return 'returned_to_sender';
  if (statuses.includes('exception')) return 'exception';
  return current === 'exception' ? 'shipped' : null;
}

/** A shipped order whose every shipment came back to sender is returned (the carrier refused or lost the customer). */
async function returnOrderIfAllReturned(tx: Parameters<typeof advanceOrder>[0], orderId: string, at: Date): Promise<void> {
  const result = await tx.execute<{ status: Parameters<typeof canTransition>[0]; open: number }>(sql`
    select o.status, (select count(*) from shipments s where s.order_id = o.id and s.status not in ('returned_to_sender', 'cancelled'))::int as open
    from orders o where o.id = ${orderId}`);
  const order = result.rows[0]!;
  if (order.open === 0 && canTransition(order.status, 'returned')) {
    await tx.execute(sql`update orders set status = 'returned', updated_at = ${at} where id = ${orderId}`);
  }
}

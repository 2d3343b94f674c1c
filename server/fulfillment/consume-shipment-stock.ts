import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { LockedShipment } from './lock-shipment.ts';

/**
 * The shipment's units leave the building, in the caller's transaction: on hand and reserved go
 * down by the packed units (ledger `shipment`), the reservation of any units a short pick did not
 * find is given back (ledger `release`; hand-back-short-picks.ts re-sources them before, so
 * normally there are none), and the order's allocations at the location are
 * stamped, so that a later cancel of the rest of the order does not release them again. Units
 * of those lines allocated there beyond the shipment's (a backorder filled since, another
 * shipment) stay open: stamped with the rest, written again for what remains.
 */
export async function consumeShipmentStock(tx: Executor, shipment: LockedShipment, occurredAt: Date): Promise<void> {
  // Same lock order as reservations and releases (sku, location), so none of them deadlock.
  await tx.execute(sql`
    select 1 from inventory_levels l
    where l.location_id = ${shipment.locationId} and l.sku in (select sku from shipment_lines where shipment_id = ${shipment.id})
    order by l.sku, l.location_id for update`);
  await tx.execute(sql`
    with moved as (
      select sku, sum(packed_quantity)::int as shipped, sum(quantity - packed_quantity)::int as short
      from shipment_lines where shipment_id = ${shipment.id} group by sku
    ), levels as (
      update inventory_levels l set on_hand = l.on_hand - m.shipped, reserved = l.reserved - m.shipped - m.short, updated_at = now()
      from moved m where l.sku = m.sku and l.location_id = ${shipment.locationId}
      returning l.sku
    ), shipped as (
      insert into inventory_ledger (sku, location_id, on_hand_delta, reserved_delta, reason, order_id, occurred_at)
      select sku, ${shipment.locationId}, -shipped, -shipped, 'shipment', ${shipment.orderId}, ${occurredAt} from moved where shipped > 0
    ), released as (
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, note, occurred_at)
      select sku, ${shipment.locationId}, -short, 'release', ${shipment.orderId}, 'short pick', ${occurredAt} from moved where short > 0
    ), shipped_lines as (
      select order_line_id, sum(quantity)::int as quantity from shipment_lines where shipment_id = ${shipment.id} group by order_line_id
    ), stamped as (
      update order_allocations set released_at = ${occurredAt}
      where order_id = ${shipment.orderId} and location_id = ${shipment.locationId} and released_at is null
        and order_line_id in (select order_line_id from shipped_lines)
      returning order_line_id, sku, quantity
    ), rest as (
      select s.order_line_id, s.sku, sum(s.quantity)::int - l.quantity as quantity
      from stamped s join shipped_lines l on l.order_line_id = s.order_line_id
      group by s.order_line_id, s.sku, l.quantity
    )
    insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
    select ${shipment.orderId}, order_line_id, sku, ${shipment.locationId}, quantity, ${occurredAt} from rest where quantity > 0`);
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface LeavingShipment {
  shipmentId: string;
  orderId: string;
  locationId: string;
  occurredAt: Date;
}

/**
 * consume-shipment-stock.ts for many shipments in two statements: on hand and reserved go down by
 * the packed units (a ledger `shipment` row per shipment and SKU, in request order), and each
 * order's allocations at the location are stamped and written again for what remains. The caller
 * leaves out shipments a short pick left short (nothing to release) and sends at most one
 * shipment per order and location (they would share allocations).
 */
export async function consumeWaveStock(tx: Executor, leaving: readonly LeavingShipment[]): Promise<void> {
  if (leaving.length === 0) return;
  const ids = sql.param(leaving.map((s) => s.shipmentId));
  // Same lock order as reservations, releases and the single hand-over (sku, location), so none of them deadlock.
  await tx.execute(sql`
    select 1 from inventory_levels l
    where (l.sku, l.location_id) in (select sl.sku, s.location_id from shipment_lines sl join shipments s on s.id = sl.shipment_id where sl.shipment_id = any(${ids}::uuid[]))
    order by l.sku, l.location_id for update`);
  await tx.execute(sql`
    with w as (
      select * from unnest(${ids}::uuid[], ${sql.param(leaving.map((s) => s.orderId))}::uuid[], ${sql.param(leaving.map((s) => s.locationId))}::uuid[],
        ${sql.param(leaving.map((s) => s.occurredAt.toISOString()))}::timestamptz[]) with ordinality as w(shipment_id, order_id, location_id, at, ord)
    ), moved as (
      select w.ord, w.order_id, w.location_id, w.at, sl.sku, sum(sl.packed_quantity)::int as shipped
      from w join shipment_lines sl on sl.shipment_id = w.shipment_id
      group by w.ord, w.order_id, w.location_id, w.at, sl.sku
    ), per_level as (
      select location_id, sku, sum(shipped)::int as shipped from moved group by location_id, sku
    ), levels as (
      update inventory_levels l set on_hand = l.on_hand - m.shipped, reserved = l.reserved - m.shipped, updated_at = now()
      from per_level m where l.sku = m.sku and l.location_id = m.location_id
      returning l.sku
    ), ledger as (
      insert into inventory_ledger (sku, location_id, on_hand_delta, reserved_delta, reason, order_id, occurred_at)
      select sku, location_id, -shipped, -shipped, 'shipment', order_id, at from moved where shipped > 0 order by ord, sku
    ), shipped_lines as (
      select w.order_id, w.location_id, w.at, sl.order_line_id, sum(sl.quantity)::int as quantity
      from w join shipment_lines sl on sl.shipment_id = w.shipment_id
      group by w.order_id, w.location_id, w.at, sl.order_line_id
    ), stamped as (
      update order_allocations a set released_at = l.at
      from shipped_lines l
      where a.order_id = l.order_id and a.location_id = l.location_id and a.order_line_id = l.order_line_id and a.released_at is null
      returning a.order_id, a.location_id, a.order_line_id, a.sku, a.quantity
    ), rest as (
      select s.order_id, s.location_id, s.order_line_id, s.sku, l.at, sum(s.quantity)::int - l.quantity as quantity
      from stamped s join shipped_lines l on l.order_id = s.order_id and l.location_id = s.location_id and l.order_line_id = s.order_line_id
      group by s.order_id, s.location_id, s.order_line_id, s.sku, l.at, l.quantity
    )
    insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
    select order_id, order_line_id, sku, location_id, quantity, at from rest where quantity > 0`);
}

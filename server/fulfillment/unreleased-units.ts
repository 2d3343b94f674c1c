import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/**
 * Shipment statuses whose lines still hold their allocations: once goods leave, the allocations
 * are stamped released (consume-shipment-stock.ts), and a cancelled shipment gave its units back
 * or handed them to a new one.
 */
const ON_THE_FLOOR = sql`('pending', 'picking', 'packed')`;

export type UnreleasedAllocation = {
  order_id: string;
  order_line_id: string;
  location_id: string;
  sku: string;
  quantity: number;
};

/**
 * Units an order holds at a location (open allocations) beyond what its shipments there are
 * working on: allocated after the order was released (a filled backorder) and on no shipment yet.
 * The caller holds the orders' locks, so the two sums agree with each other.
 */
export async function unreleasedAllocations(tx: Executor, orderIds: readonly string[]): Promise<UnreleasedAllocation[]> {
  if (orderIds.length === 0) return [];
  const result = await tx.execute<UnreleasedAllocation>(sql`
    with allocated as (
      select a.order_id, a.order_line_id, a.location_id, a.sku, sum(a.quantity)::int as quantity
      from order_allocations a
      where a.order_id = any(${sql.param(orderIds)}::uuid[]) and a.released_at is null
      group by a.order_id, a.order_line_id, a.location_id, a.sku
    ), on_floor as (
      select s.order_id, sl.order_line_id, s.location_id, sum(sl.quantity)::int as quantity
      from shipments s join shipment_lines sl on sl.shipment_id = s.id
      where s.order_id = any(${sql.param(orderIds)}::uuid[]) and s.status in ${ON_THE_FLOOR}
      group by s.order_id, sl.order_line_id, s.location_id
    )
    select a.order_id, a.order_line_id, a.location_id, a.sku, (a.quantity - coalesce(f.quantity, 0))::int as quantity
    from allocated a left join on_floor f on f.order_id = a.order_id and f.order_line_id = a.order_line_id and f.location_id = a.location_id
    where a.quantity > coalesce(f.quantity, 0)
    order by a.order_id, a.location_id, a.sku, a.order_line_id`);
  return result.rows;
}

/**
 * A condition on `orderRef` (an `orders.id` expression): the order has units allocated that no
 * shipment is working on. Both sides are read by the order alone (its open allocations, its
 * shipments on the floor: partial indexes by order), so the release's cost per candidate stays a
 * few index probes however many shipments a location has had.
 */
export function hasUnreleasedAllocations(orderRef: SQL): SQL {
  return sql`exists (
    select 1 from (
      select a.order_line_id, a.location_id, sum(a.quantity) as quantity
      from order_allocations a where a.order_id = ${orderRef} and a.released_at is null
      group by a.order_line_id, a.location_id
    ) allocated
    left join (
      select sl.order_line_id, s.location_id, sum(sl.quantity) as quantity
      from shipments s join shipment_lines sl on sl.shipment_id = s.id
      where s.order_id = ${orderRef} and s.status in ${ON_THE_FLOOR}
      group by sl.order_line_id, s.location_id
    ) on_floor on on_floor.order_line_id = allocated.order_line_id and on_floor.location_id = allocated.location_id
    where allocated.quantity > coalesce(on_floor.quantity, 0))`;
}

/**
 * Units of the order that no shipment has taken out yet and none is working on: backordered
 * units, and allocations still to be released to the floor. While there are any, the order is
 * not packed, shipped or delivered, whatever its shipments say.
 */
export async function unsentUnits(tx: Executor, orderId: string): Promise<number> {
  const result = await tx.execute<{ backordered: number }>(sql`
    select coalesce(sum(backordered_quantity), 0)::int as backordered from order_lines where order_id = ${orderId}`);
  const backordered = result.rows[0]!.backordered;
  const unreleased = await unreleasedAllocations(tx, [orderId]);
  return backordered + unreleased.reduce((sum, a) => sum + a.quantity, 0);
}

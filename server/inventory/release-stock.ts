import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface ReleasedAllocation {
  sku: string;
  locationId: string;
  quantity: number;
}

/**
 * Gives back every open reservation of an order, in the caller's transaction: the
 * allocations are stamped released, reserved stock goes down and the ledger says why.
 */
export async function releaseOrderStock(tx: Executor, orderId: string, occurredAt: Date): Promise<ReleasedAllocation[]> {
  // Same lock order as lockAndPlanReservation, so a release and a reservation never deadlock.
  await tx.execute(sql`
    select 1 from inventory_levels l
    where (l.sku, l.location_id) in (
      select sku, location_id from order_allocations where order_id = ${orderId} and released_at is null)
    order by l.sku, l.location_id
    for update`);
  const released = await tx.execute<{ sku: string; location_id: string; quantity: number }>(sql`
    with released as (
      update order_allocations set released_at = ${occurredAt}
      where order_id = ${orderId} and released_at is null
      returning sku, location_id, quantity
    ), totals as (
      select sku, location_id, sum(quantity)::int as quantity from released group by sku, location_id
    ), levels as (
      update inventory_levels l set reserved = l.reserved - t.quantity, updated_at = now()
      from totals t where l.sku = t.sku and l.location_id = t.location_id
      returning l.sku
    ), ledger as (
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, occurred_at)
      select sku, location_id, -quantity, 'release', ${orderId}, ${occurredAt} from totals
    )
    select sku, location_id, quantity from totals order by sku, location_id`);
  return released.rows.map((r) => ({ sku: r.sku, locationId: r.location_id, quantity: r.quantity }));
}

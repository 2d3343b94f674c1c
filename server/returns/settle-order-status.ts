import { eq, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { orders } from '#db/schema/orders.ts';
import type { LockedOrder } from '#server/orders/lock-order.ts';
import { canTransition } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';

/**
 * Where a return_requested order goes once an RMA moved: `returned` when every unit still
 * requested on its live RMAs has come back and at least one did, `delivered` when no live
 * RMA is left and nothing came back, else it stays. Call it with the order locked; `order` is
 * kept current, for a batch's later steps of the same order.
 */
export async function settleOrderStatus(tx: Executor, order: LockedOrder, occurredAt: Date): Promise<{ from: OrderStatus; to: OrderStatus }> {
  if (order.status !== 'return_requested') return { from: order.status, to: order.status };
  const result = await tx.execute<{ outstanding: number; received: number }>(sql`
    select coalesce(sum(case when r.status in ('requested', 'authorized', 'received') then rl.quantity - rl.received_quantity else 0 end), 0)::int as outstanding,
           coalesce(sum(rl.received_quantity), 0)::int as received
    from returns r join return_lines rl on rl.return_id = r.id
    where r.order_id = ${order.id} and r.status not in ('rejected', 'cancelled')`);
  const { outstanding, received } = result.rows[0]!;
  const to: OrderStatus = outstanding > 0 ? 'return_requested' : received > 0 ? 'returned' : 'delivered';
  if (to === order.status || !canTransition(order.status, to)) return { from: order.status, to: order.status };
  await tx.update(orders).set({ status: to, updatedAt: occurredAt }).where(eq(orders.id, order.id));
  const from = order.status;
  order.status = to;
  return { from, to };
}

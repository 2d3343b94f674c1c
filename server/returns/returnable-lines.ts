import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface ReturnableLine {
  orderLineId: string;
  sku: string;
  category: string;
  ordered: number;
  /** Units of delivered (or picked-up) shipments. */
  delivered: number;
  /** The latest delivery of this line: its return window runs from there. */
  deliveredAt: Date | null;
  /** Units already on an RMA: requested on open ones, received on resolved ones. */
  onReturn: number;
}

/**
 * Per order line, what was delivered and what is already being returned. Call it with the
 * order locked: RMAs of one order are opened one at a time, so they can never together
 * cover more units than were delivered.
 */
export async function returnableLines(tx: Executor, orderId: string): Promise<Map<string, ReturnableLine>> {
  const result = await tx.execute<{
    id: string;
    sku: string;
    category: string;
    quantity: number;
    delivered: number;
    delivered_at: Date | string | null;
    on_return: number;
  }>(sql`
    select ol.id, ol.sku, ol.category, ol.quantity,
      coalesce(d.delivered, 0)::int as delivered, d.delivered_at, coalesce(r.on_return, 0)::int as on_return
    from order_lines ol
    left join (
      select sl.order_line_id,
        sum(case when s.status = 'picked_up' then sl.picked_quantity else sl.packed_quantity end) as delivered,
        max(coalesce(s.delivered_at, s.updated_at)) as delivered_at
      from shipment_lines sl join shipments s on s.id = sl.shipment_id
      where s.order_id = ${orderId} and s.status in ('delivered', 'picked_up')
      group by sl.order_line_id
    ) d on d.order_line_id = ol.id
    left join (
      select rl.order_line_id,
        sum(case when r.status = 'resolved' then rl.received_quantity else rl.quantity end) as on_return
      from return_lines rl join returns r on r.id = rl.return_id
      where r.order_id = ${orderId} and r.status not in ('rejected', 'cancelled')
      group by rl.order_line_id
    ) r on r.order_line_id = ol.id
    where ol.order_id = ${orderId}`);
  return new Map(
    result.rows.map((r) => [
      r.sku,
      {
        orderLineId: r.id,
        sku: r.sku,
        category: r.category,
        ordered: r.quantity,
        delivered: r.delivered,
        deliveredAt: r.delivered_at === null ? null : new Date(r.delivered_at),
        onReturn: r.on_return,
      },
    ]),
  );
}

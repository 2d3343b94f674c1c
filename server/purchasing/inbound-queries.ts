import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { InboundRow } from './purchasing.schemas.ts';

export interface InboundFilter {
  sku?: string | undefined;
  locationId?: string | undefined;
  skus?: string[] | undefined;
}

/**
 * What is coming to (and promised away from) each SKU × location: units on open purchase
 * orders not yet received, on drafts, shipped transfers not yet received, and requested
 * transfers in and out. `nextExpectedAt` is the earliest expected date of open purchase
 * orders, shipped and requested transfers to the location with units still to come.
 */
export async function inboundBySkuLocation(db: Executor, filter: InboundFilter = {}): Promise<InboundRow[]> {
  const where: SQL[] = [sql`true`];
  if (filter.sku) where.push(sql`m.sku = ${filter.sku}`);
  if (filter.skus) where.push(sql`m.sku = any(${sql.param(filter.skus)}::text[])`);
  if (filter.locationId) where.push(sql`m.location_id = ${filter.locationId}`);
  const result = await db.execute<{
    sku: string;
    location_id: string;
    on_order: number;
    on_draft: number;
    in_transit: number;
    requested_in: number;
    requested_out: number;
    next_expected_at: Date | null;
  }>(sql`
    with m(sku, location_id, on_order, on_draft, in_transit, requested_in, requested_out, expected_at) as (
      select l.sku, po.location_id, l.quantity_ordered - l.quantity_received, 0, 0, 0, 0, po.expected_at
      from purchase_orders po join purchase_order_lines l on l.purchase_order_id = po.id
      where po.status in ('submitted', 'partially_received') and l.quantity_ordered > l.quantity_received
      union all
      select l.sku, po.location_id, 0, l.quantity_ordered, 0, 0, 0, null::timestamptz
      from purchase_orders po join purchase_order_lines l on l.purchase_order_id = po.id
      where po.status = 'draft'
      union all
      select l.sku, t.to_location_id, 0, 0, l.quantity_shipped - l.quantity_received, 0, 0, t.expected_at
      from transfers t join transfer_lines l on l.transfer_id = t.id
      where t.status in ('shipped', 'partially_received') and l.quantity_shipped > l.quantity_received
      union all
      select l.sku, t.to_location_id, 0, 0, 0, l.quantity, 0, t.expected_at
      from transfers t join transfer_lines l on l.transfer_id = t.id
      where t.status = 'requested'
      union all
      select l.sku, t.from_location_id, 0, 0, 0, 0, l.quantity, null::timestamptz
      from transfers t join transfer_lines l on l.transfer_id = t.id
      where t.status = 'requested'
    )
    select m.sku, m.location_id, sum(m.on_order)::int as on_order, sum(m.on_draft)::int as on_draft, sum(m.in_transit)::int as in_transit,
           sum(m.requested_in)::int as requested_in, sum(m.requested_out)::int as requested_out, min(m.expected_at) as next_expected_at
    from m where ${sql.join(where, sql` and `)}
    group by m.sku, m.location_id
    order by m.sku, m.location_id`);
  return result.rows.map((r) => ({
    sku: r.sku,
    locationId: r.location_id,
    onOrder: r.on_order,
    onDraft: r.on_draft,
    inTransit: r.in_transit,
    transferRequestedIn: r.requested_in,
    transferRequestedOut: r.requested_out,
    nextExpectedAt: r.next_expected_at ? new Date(r.next_expected_at).toISOString() : null,
  }));
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { Return, ReturnSearchQuery } from './returns.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

type ReturnRow = {
  id: string;
  number: string;
  order_id: string;
  order_number: string;
  status: Return['status'];
  requested_by: Return['requestedBy'];
  currency: string;
  note: string | null;
  location_id: string | null;
  resolution: Return['resolution'];
  refunded_cents: number;
  shipping_refunded_cents: number;
  store_credit_cents: number;
  exchange_order_id: string | null;
  reject_reason: string | null;
  requested_at: Date | string;
  authorized_at: Date | string | null;
  received_at: Date | string | null;
  inspected_at: Date | string | null;
  resolved_at: Date | string | null;
  closed_at: Date | string | null;
  lines: {
    id: string;
    order_line_id: string;
    sku: string;
    category: string;
    quantity: number;
    reason: Return['lines'][number]['reason'];
    reason_note: string | null;
    received_quantity: number;
    restock_quantity: number;
    refurbish_quantity: number;
    scrap_quantity: number;
    return_to_vendor_quantity: number;
    restock_location_id: string | null;
  }[];
};

const SELECT = sql`
  select r.*, o.number as order_number,
    coalesce((select json_agg(l order by l.sku) from return_lines l where l.return_id = r.id), '[]') as lines
  from returns r join orders o on o.id = r.order_id`;

function view(row: ReturnRow): Return {
  return {
    id: row.id,
    number: row.number,
    orderId: row.order_id,
    orderNumber: row.order_number,
    status: row.status,
    requestedBy: row.requested_by,
    currency: row.currency,
    note: row.note,
    locationId: row.location_id,
    resolution: row.resolution,
    refundedCents: row.refunded_cents,
    shippingRefundedCents: row.shipping_refunded_cents,
    storeCreditCents: row.store_credit_cents,
    exchangeOrderId: row.exchange_order_id,
    rejectReason: row.reject_reason,
    lines: row.lines.map((l) => ({
      id: l.id,
      orderLineId: l.order_line_id,
      sku: l.sku,
      category: l.category,
      quantity: l.quantity,
      reason: l.reason,
      note: l.reason_note,
      receivedQuantity: l.received_quantity,
      disposition: { restock: l.restock_quantity, refurbish: l.refurbish_quantity, scrap: l.scrap_quantity, returnToVendor: l.return_to_vendor_quantity },
      restockLocationId: l.restock_location_id,
    })),
    requestedAt: iso(row.requested_at)!,
    authorizedAt: iso(row.authorized_at),
    receivedAt: iso(row.received_at),
    inspectedAt: iso(row.inspected_at),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
  };
}

/** An RMA by id or by number (R100001), with its lines. */
export async function findReturn(db: Executor, idOrNumber: string): Promise<Return | undefined> {
  const where = UUID.test(idOrNumber) ? sql`r.id = ${idOrNumber}` : sql`r.number = ${idOrNumber}`;
  const result = await db.execute<ReturnRow>(sql`${SELECT} where ${where}`);
  const row = result.rows[0];
  return row ? view(row) : undefined;
}

/** RMAs newest first, of one order and/or in one status. */
export async function searchReturns(db: Executor, query: ReturnSearchQuery): Promise<Return[]> {
  const conditions = [sql`true`];
  if (query.order) conditions.push(UUID.test(query.order) ? sql`o.id = ${query.order}` : sql`o.number = ${query.order}`);
  if (query.status) conditions.push(sql`r.status = ${query.status}`);
  const result = await db.execute<ReturnRow>(sql`${SELECT} where ${sql.join(conditions, sql` and `)} order by r.requested_at desc, r.id limit ${query.limit}`);
  return result.rows.map(view);
}

/** RMAs by id, in one statement. */
export async function findReturnsById(db: Executor, ids: readonly string[]): Promise<Map<string, Return>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute<ReturnRow>(sql`${SELECT} where r.id = any(${sql.param([...new Set(ids)])}::uuid[])`);
  return new Map(result.rows.map((row) => [row.id, view(row)]));
}

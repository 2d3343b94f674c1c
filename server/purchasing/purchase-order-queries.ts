import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { PurchaseOrderQuery, PurchaseOrderStatus, PurchaseOrderView } from './purchasing.schemas.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OrderRow {
  id: string;
  number: string;
  supplier_id: string;
  supplier_code: string;
  location_id: string;
  status: PurchaseOrderStatus;
  currency: string;
  expected_at: Date | null;
  note: string | null;
  source: string | null;
  created_by_label: string | null;
  ordered_at: Date;
  submitted_at: Date | null;
  first_received_at: Date | null;
  received_at: Date | null;
  cancelled_at: Date | null;
  closed_at: Date | null;
}

interface LineRow {
  purchase_order_id: string;
  sku: string;
  quantity_ordered: number;
  quantity_received: number;
  unit_cost_cents: number;
}

interface ReceiptRow {
  purchase_order_id: string;
  sku: string;
  quantity: number;
  received_at: Date;
  ledger_id: string | number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** `where` picks purchase orders (alias po); they come back in the order given. */
async function selectPurchaseOrders(db: Executor, where: SQL, orderAndLimit: SQL = sql``): Promise<PurchaseOrderView[]> {
  const orders = await db.execute<OrderRow & Record<string, unknown>>(sql`
    select po.id, po.number, po.supplier_id, s.code as supplier_code, po.location_id, po.status, po.currency, po.expected_at, po.note, po.source,
           po.created_by_label, po.ordered_at, po.submitted_at, po.first_received_at, po.received_at, po.cancelled_at, po.closed_at
    from purchase_orders po join suppliers s on s.id = po.supplier_id
    where ${where} ${orderAndLimit}`);
  if (orders.rows.length === 0) return [];
  const ids = orders.rows.map((o) => o.id);
  const [lines, receipts] = await Promise.all([
    db.execute<LineRow & Record<string, unknown>>(sql`
      select purchase_order_id, sku, quantity_ordered, quantity_received, unit_cost_cents from purchase_order_lines
      where purchase_order_id = any(${sql.param(ids)}::uuid[]) order by purchase_order_id, line_no`),
    db.execute<ReceiptRow & Record<string, unknown>>(sql`
      select purchase_order_id, sku, quantity, received_at, ledger_id from purchase_order_receipts
      where purchase_order_id = any(${sql.param(ids)}::uuid[]) order by purchase_order_id, id`),
  ]);
  return orders.rows.map((o) => {
    const own = lines.rows.filter((l) => l.purchase_order_id === o.id);
    return {
      id: o.id,
      number: o.number,
      supplierId: o.supplier_id,
      supplierCode: o.supplier_code,
      locationId: o.location_id,
      status: o.status,
      currency: o.currency,
      totalCents: own.reduce((sum, l) => sum + l.quantity_ordered * l.unit_cost_cents, 0),
      expectedAt: iso(o.expected_at),
      note: o.note,
      source: o.source,
      createdBy: o.created_by_label,
      orderedAt: iso(o.ordered_at)!,
      submittedAt: iso(o.submitted_at),
      firstReceivedAt: iso(o.first_received_at),
      receivedAt: iso(o.received_at),
      cancelledAt: iso(o.cancelled_at),
      closedAt: iso(o.closed_at),
      lines: own.map((l) => ({
        sku: l.sku,
        quantityOrdered: l.quantity_ordered,
        quantityReceived: l.quantity_received,
        // A closed or cancelled order expects nothing more.
        quantityOpen: o.status === 'closed' || o.status === 'cancelled' ? 0 : l.quantity_ordered - l.quantity_received,
        unitCostCents: l.unit_cost_cents,
        lineTotalCents: l.quantity_ordered * l.unit_cost_cents,
      })),
      receipts: receipts.rows
        .filter((r) => r.purchase_order_id === o.id)
        .map((r) => ({ sku: r.sku, quantity: r.quantity, receivedAt: iso(r.received_at)!, ledgerId: Number(r.ledger_id) })),
    };
  });
}

/** By id or by number (`PO-000042`). */
export async function findPurchaseOrder(db: Executor, idOrNumber: string): Promise<PurchaseOrderView | undefined> {
  const where = UUID.test(idOrNumber) ? sql`po.id = ${idOrNumber}` : sql`po.number = ${idOrNumber}`;
  const [order] = await selectPurchaseOrders(db, where);
  return order;
}

export async function getPurchaseOrder(db: Executor, idOrNumber: string): Promise<PurchaseOrderView> {
  const order = await findPurchaseOrder(db, idOrNumber);
  if (!order) throw new NotFoundError(`Purchase order ${idOrNumber}`);
  return order;
}

/** A keyset cursor: the last item's moment and id (decodeCursor reads it back). */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID.test(id)) return { at, id };
  } catch {
    // fall through to the validation error
  }
  throw ValidationError.field('cursor', 'is not a cursor returned by this endpoint');
}

/** Newest first, keyset-paginated. */
export async function searchPurchaseOrders(db: Executor, query: PurchaseOrderQuery): Promise<{ items: PurchaseOrderView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [sql`true`];
  if (query.status) conditions.push(sql`po.status = ${query.status}`);
  if (query.supplierId) conditions.push(sql`po.supplier_id = ${query.supplierId}`);
  if (query.locationId) conditions.push(sql`po.location_id = ${query.locationId}`);
  if (query.source) conditions.push(sql`po.source = ${query.source}`);
  if (query.sku) conditions.push(sql`exists (select 1 from purchase_order_lines l where l.purchase_order_id = po.id and l.sku = ${query.sku})`);
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    conditions.push(sql`(po.ordered_at, po.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  }
  const rows = await selectPurchaseOrders(db, sql.join(conditions, sql` and `), sql`order by po.ordered_at desc, po.id desc limit ${query.limit + 1}`);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.orderedAt, last.id) : null };
}

export interface LockedPurchaseOrder {
  id: string;
  number: string;
  supplierId: string;
  locationId: string;
  status: PurchaseOrderStatus;
  expectedAt: Date | null;
}

/** Locks a purchase order for the rest of the transaction: commands on one order run one after the other. */
export async function lockPurchaseOrder(tx: Executor, idOrNumber: string): Promise<LockedPurchaseOrder> {
  const where = UUID.test(idOrNumber) ? sql`id = ${idOrNumber}` : sql`number = ${idOrNumber}`;
  const result = await tx.execute<{ id: string; number: string; supplier_id: string; location_id: string; status: PurchaseOrderStatus; expected_at: Date | null }>(
    sql`select id, number, supplier_id, location_id, status, expected_at from purchase_orders where ${where} for update`,
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Purchase order ${idOrNumber}`);
  return { id: row.id, number: row.number, supplierId: row.supplier_id, locationId: row.location_id, status: row.status, expectedAt: row.expected_at };
}

import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { decodeCursor, encodeCursor, UUID } from './purchase-order-queries.ts';
import type { TransferQuery, TransferStatus, TransferView } from './purchasing.schemas.ts';

interface TransferRow {
  id: string;
  number: string;
  from_location_id: string;
  to_location_id: string;
  status: TransferStatus;
  expected_at: Date | null;
  note: string | null;
  source: string | null;
  created_by_label: string | null;
  requested_at: Date;
  shipped_at: Date | null;
  first_received_at: Date | null;
  received_at: Date | null;
  cancelled_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function selectTransfers(db: Executor, where: SQL, orderAndLimit: SQL = sql``): Promise<TransferView[]> {
  const rows = await db.execute<TransferRow & Record<string, unknown>>(sql`
    select t.id, t.number, t.from_location_id, t.to_location_id, t.status, t.expected_at, t.note, t.source, t.created_by_label,
           t.requested_at, t.shipped_at, t.first_received_at, t.received_at, t.cancelled_at
    from transfers t where ${where} ${orderAndLimit}`);
  if (rows.rows.length === 0) return [];
  const lines = await db.execute<{ transfer_id: string; sku: string; quantity: number; quantity_shipped: number; quantity_received: number }>(sql`
    select transfer_id, sku, quantity, quantity_shipped, quantity_received from transfer_lines
    where transfer_id = any(${sql.param(rows.rows.map((r) => r.id))}::uuid[]) order by transfer_id, line_no`);
  return rows.rows.map((t) => ({
    id: t.id,
    number: t.number,
    fromLocationId: t.from_location_id,
    toLocationId: t.to_location_id,
    status: t.status,
    expectedAt: iso(t.expected_at),
    note: t.note,
    source: t.source,
    createdBy: t.created_by_label,
    requestedAt: iso(t.requested_at)!,
    shippedAt: iso(t.shipped_at),
    firstReceivedAt: iso(t.first_received_at),
    receivedAt: iso(t.received_at),
    cancelledAt: iso(t.cancelled_at),
    lines: lines.rows
      .filter((l) => l.transfer_id === t.id)
      .map((l) => ({ sku: l.sku, quantity: l.quantity, quantityShipped: l.quantity_shipped, quantityReceived: l.quantity_received })),
  }));
}

/** By id or by number (`TR-000042`). */
export async function findTransfer(db: Executor, idOrNumber: string): Promise<TransferView | undefined> {
  const [transfer] = await selectTransfers(db, UUID.test(idOrNumber) ? sql`t.id = ${idOrNumber}` : sql`t.number = ${idOrNumber}`);
  return transfer;
}

export async function getTransfer(db: Executor, idOrNumber: string): Promise<TransferView> {
  const transfer = await findTransfer(db, idOrNumber);
  if (!transfer) throw new NotFoundError(`Transfer ${idOrNumber}`);
  return transfer;
}

/** Newest first, keyset-paginated. */
export async function searchTransfers(db: Executor, query: TransferQuery): Promise<{ items: TransferView[]; nextCursor: string | null }> {
  const conditions: SQL[] = [sql`true`];
  if (query.status) conditions.push(sql`t.status = ${query.status}`);
  if (query.fromLocationId) conditions.push(sql`t.from_location_id = ${query.fromLocationId}`);
  if (query.toLocationId) conditions.push(sql`t.to_location_id = ${query.toLocationId}`);
  if (query.locationId) conditions.push(sql`(t.from_location_id = ${query.locationId} or t.to_location_id = ${query.locationId})`);
  if (query.source) conditions.push(sql`t.source = ${query.source}`);
  if (query.sku) conditions.push(sql`exists (select 1 from transfer_lines l where l.transfer_id = t.id and l.sku = ${query.sku})`);
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    conditions.push(sql`(t.requested_at, t.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  }
  const rows = await selectTransfers(db, sql.join(conditions, sql` and `), sql`order by t.requested_at desc, t.id desc limit ${query.limit + 1}`);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.requestedAt, last.id) : null };
}

export interface LockedTransfer {
  id: string;
  number: string;
  fromLocationId: string;
  toLocationId: string;
  status: TransferStatus;
}

/** Locks a transfer for the rest of the transaction: commands on one transfer run one after the other. */
export async function lockTransfer(tx: Executor, idOrNumber: string): Promise<LockedTransfer> {
  const where = UUID.test(idOrNumber) ? sql`id = ${idOrNumber}` : sql`number = ${idOrNumber}`;
  const result = await tx.execute<{ id: string; number: string; from_location_id: string; to_location_id: string; status: TransferStatus }>(
    sql`select id, number, from_location_id, to_location_id, status from transfers where ${where} for update`,
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Transfer ${idOrNumber}`);
  return { id: row.id, number: row.number, fromLocationId: row.from_location_id, toLocationId: row.to_location_id, status: row.status };
}

/** The transfer's lines, locked, by SKU. */
export async function lockTransferLines(tx: Executor, transferId: string) {
  const result = await tx.execute<{ id: string; line_no: number; sku: string; quantity: number; quantity_shipped: number; quantity_received: number }>(
    sql`select id, line_no, sku, quantity, quantity_shipped, quantity_received from transfer_lines where transfer_id = ${transferId} order by sku for update`,
  );
  return result.rows;
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import type { OrderStatus } from './order.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LockedOrder {
  id: string;
  status: OrderStatus;
  statusBeforeHold: OrderStatus | null;
  channel: string;
  currency: string;
  totalCents: number;
}

/** Locks an order row for the rest of the transaction, so status changes happen one at a time. */
export async function lockOrder(tx: Executor, idOrNumber: string): Promise<LockedOrder> {
  const where = UUID.test(idOrNumber) ? sql`id = ${idOrNumber}` : sql`number = ${idOrNumber}`;
  const result = await tx.execute<OrderRow>(
    sql`select id, status, status_before_hold, channel, currency, total_cents from orders where ${where} for update`,
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Order ${idOrNumber}`);
  return lockedOrder(row);
}

type OrderRow = { id: string; status: OrderStatus; status_before_hold: OrderStatus | null; channel: string; currency: string; total_cents: number };

function lockedOrder(row: OrderRow): LockedOrder {
  return { id: row.id, status: row.status, statusBeforeHold: row.status_before_hold, channel: row.channel, currency: row.currency, totalCents: row.total_cents };
}

/**
 * Locks many orders, by id or number, in id order (as every batch that locks orders does, so
 * batches never deadlock each other). Answers each order under its id and its number: one
 * object, however it was named.
 */
export async function lockOrdersOf(tx: Executor, idsOrNumbers: readonly string[]): Promise<Map<string, LockedOrder>> {
  const ids = idsOrNumbers.filter((v) => UUID.test(v));
  const numbers = idsOrNumbers.filter((v) => !UUID.test(v));
  const result = await tx.execute<OrderRow & { number: string }>(sql`
    select id, number, status, status_before_hold, channel, currency, total_cents from orders
    where id = any(${sql.param(ids)}::uuid[]) or number = any(${sql.param(numbers)}::text[])
    order by id for update`);
  const found = new Map<string, LockedOrder>();
  for (const row of result.rows) {
    const order = lockedOrder(row);
    found.set(row.id, order).set(row.number, order);
  }
  return found;
}

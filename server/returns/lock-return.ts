import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { lockOrder, lockOrdersOf, type LockedOrder } from '#server/orders/lock-order.ts';
import type { ReturnStatus } from './returns.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LockedReturn {
  id: string;
  number: string;
  orderId: string;
  customerId: string;
  status: ReturnStatus;
  currency: string;
  refundedCents: number;
  storeCreditCents: number;
}

/**
 * Locks an RMA and its order for the rest of the transaction. The order is always locked
 * first (as every order command does), so return commands and order commands never deadlock,
 * and two commands on one RMA run one after the other.
 */
export async function lockReturn(tx: Executor, idOrNumber: string): Promise<{ rma: LockedReturn; order: LockedOrder }> {
  const where = UUID.test(idOrNumber) ? sql`id = ${idOrNumber}` : sql`number = ${idOrNumber}`;
  const found = await tx.execute<{ order_id: string }>(sql`select order_id from returns where ${where}`);
  const orderId = found.rows[0]?.order_id;
  if (!orderId) throw new NotFoundError(`Return ${idOrNumber}`);
  const order = await lockOrder(tx, orderId);
  const result = await tx.execute<ReturnRow>(sql`select id, number, order_id, customer_id, status, currency, refunded_cents, store_credit_cents from returns where ${where} for update`);
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Return ${idOrNumber}`);
  return { order, rma: lockedReturn(row) };
}

/**
 * Locks many RMAs, by id or number, and their orders: the orders first, all in id order (as
 * lockReturn and every order batch do), then the RMAs in id order. Answers each RMA under its
 * id and its number; RMAs of one order share its object.
 */
export async function lockReturnsOf(tx: Executor, idsOrNumbers: readonly string[]): Promise<Map<string, { rma: LockedReturn; order: LockedOrder }>> {
  const ids = idsOrNumbers.filter((v) => UUID.test(v));
  const numbers = idsOrNumbers.filter((v) => !UUID.test(v));
  const named = sql`id = any(${sql.param(ids)}::uuid[]) or number = any(${sql.param(numbers)}::text[])`;
  const owners = await tx.execute<{ order_id: string }>(sql`select distinct order_id from returns where ${named}`);
  const orders = await lockOrdersOf(tx, owners.rows.map((r) => r.order_id));
  const result = await tx.execute<ReturnRow>(sql`
    select id, number, order_id, customer_id, status, currency, refunded_cents, store_credit_cents from returns where ${named} order by id for update`);
  const found = new Map<string, { rma: LockedReturn; order: LockedOrder }>();
  for (const row of result.rows) {
    const order = orders.get(row.order_id);
    if (!order) continue;
    const target = { rma: lockedReturn(row), order };
    found.set(row.id, target).set(row.number, target);
  }
  return found;
}

type ReturnRow = {
  id: string;
  number: string;
  order_id: string;
  customer_id: string;
  status: ReturnStatus;
  currency: string;
  refunded_cents: number;
  store_credit_cents: number;
};

function lockedReturn(row: ReturnRow): LockedReturn {
  return {
    id: row.id,
    number: row.number,
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    currency: row.currency,
    refundedCents: row.refunded_cents,
    storeCreditCents: row.store_credit_cents,
  };
}

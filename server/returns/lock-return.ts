import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { lockOrder, type LockedOrder } from '#server/orders/lock-order.ts';
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
  const result = await tx.execute<{
    id: string;
    number: string;
    order_id: string;
    customer_id: string;
    status: ReturnStatus;
    currency: string;
    refunded_cents: number;
    store_credit_cents: number;
  }>(sql`select id, number, order_id, customer_id, status, currency, refunded_cents, store_credit_cents from returns where ${where} for update`);
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Return ${idOrNumber}`);
  return {
    order,
    rma: {
      id: row.id,
      number: row.number,
      orderId: row.order_id,
      customerId: row.customer_id,
      status: row.status,
      currency: row.currency,
      refundedCents: row.refunded_cents,
      storeCreditCents: row.store_credit_cents,
    },
  };
}

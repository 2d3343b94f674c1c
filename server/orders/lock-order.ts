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
  const result = await tx.execute<{ id: string; status: OrderStatus; status_before_hold: OrderStatus | null; channel: string; currency: string; total_cents: number }>(
    sql`select id, status, status_before_hold, channel, currency, total_cents from orders where ${where} for update`,
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Order ${idOrNumber}`);
  return {
    id: row.id,
    status: row.status,
    statusBeforeHold: row.status_before_hold,
    channel: row.channel,
    currency: row.currency,
    totalCents: row.total_cents,
  };
}

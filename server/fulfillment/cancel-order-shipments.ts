import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';

/** Shipment statuses in which goods have left the building (or the customer's hands). */
const LEFT = ['shipped', 'delivered', 'exception', 'returned_to_sender', 'ready_for_pickup', 'picked_up'];

/**
 * Cancels the shipments of an order being cancelled, in the caller's transaction (with the
 * order locked): pending, picking and packed shipments become cancelled and their pick claims
 * end. An order with a shipment that has already left cannot be cancelled (its goods come
 * back through a return): that is a 409 and nothing changes.
 */
export async function cancelOrderShipments(tx: Executor, orderId: string, occurredAt: Date): Promise<number> {
  const shipments = await tx.execute<{ id: string; number: number; status: string }>(sql`
    select id, number, status::text from shipments where order_id = ${orderId} order by number for update`);
  const gone = shipments.rows.find((s) => LEFT.includes(s.status));
  if (gone) throw new InvalidTransitionError(gone.status, 'cancelled', 'shipment');
  const open = shipments.rows.filter((s) => s.status !== 'cancelled').map((s) => s.id);
  if (open.length === 0) return 0;
  await tx.execute(sql`
    update shipment_lines set picker_id = null, pick_claimed_at = null where shipment_id = any(${sql.param(open)}::uuid[])`);
  await tx.execute(sql`
    update shipments set status = 'cancelled', updated_at = ${occurredAt} where id = any(${sql.param(open)}::uuid[])`);
  return open.length;
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { ServiceContext } from '#server/context.ts';
import { canTransition } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import type { LockedShipment } from './lock-shipment.ts';
import { backorderOnLines, orderReroutedEvent, releaseHandedBack, resourceOrder } from './resource-order.ts';

/** Order statuses a shipment can leave in; any other refuses the hand-over further on (order-progress.ts). */
const HANDING_OVER: readonly OrderStatus[] = ['picking', 'packed'];

/**
 * The units a short pick did not find, as their shipment leaves, in the caller's transaction and
 * before the hand-over takes the shipment's units out of stock: its lines shrink to the packed
 * units and the rest is handed back like a short-pick rejection (resource-order.ts), so the
 * units not found are counted off the location and the engine sends the units from elsewhere or
 * backorders them, rather than the customer silently getting fewer.
 */
export async function handBackShortPicks(ctx: Pick<ServiceContext, 'sourcingPolicy'>, tx: Executor, shipment: LockedShipment, at: Date): Promise<void> {
  if (!HANDING_OVER.includes(shipment.orderStatus)) return;
  const short = await tx.execute<{ id: string; quantity: number; packed_quantity: number; line_index: number }>(sql`
    select sl.id, sl.quantity, sl.packed_quantity,
      (select count(*)::int from order_lines o2 where o2.order_id = ol.order_id and o2.line_no < ol.line_no) as line_index
    from shipment_lines sl join order_lines ol on ol.id = sl.order_line_id
    where sl.shipment_id = ${shipment.id} and sl.packed_quantity < sl.quantity order by sl.id for update of sl`);
  if (short.rows.length === 0) return;

  const handBack = new Map<number, number>();
  for (const line of short.rows) {
    if (line.packed_quantity === 0) await tx.execute(sql`delete from shipment_lines where id = ${line.id}`);
    else await tx.execute(sql`update shipment_lines set quantity = packed_quantity where id = ${line.id}`);
    handBack.set(line.line_index, (handBack.get(line.line_index) ?? 0) + line.quantity - line.packed_quantity);
  }
  const input = { orderId: shipment.orderId, locationId: shipment.locationId, reason: 'short_pick', eventReason: 'short_pick', at } as const;
  const decided = await tx.execute(sql`select 1 from order_sourcing_decisions where order_id = ${shipment.orderId}`);
  if (decided.rows.length > 0) {
    await resourceOrder(tx, { ...input, orderStatus: shipment.orderStatus, handBack, policy: ctx.sourcingPolicy, actorId: null });
  } else {
    await backorderHandedBack(tx, input, shipment.orderStatus, handBack);
  }
}

/**
 * An order placed without coordinates has no decision for the engine to re-source from: its
 * missing units are backordered (allocate-backorders.ts fills them from the nearest stock).
 */
async function backorderHandedBack(
  tx: Executor,
  input: Parameters<typeof releaseHandedBack>[1],
  orderStatus: OrderStatus,
  handBack: ReadonlyMap<number, number>,
): Promise<void> {
  const lineRows = await tx.execute<{ id: string; sku: string }>(sql`select id, sku from order_lines where order_id = ${input.orderId} order by line_no`);
  const lines = lineRows.rows;
  await releaseHandedBack(tx, input, lines, handBack);
  const backordered = [...handBack].map(([lineIndex, quantity]) => ({ lineIndex, sku: lines[lineIndex]!.sku, quantity }));
  await backorderOnLines(tx, lines, backordered);
  const status: OrderStatus = orderStatus === 'packed' && canTransition(orderStatus, 'picking') ? 'picking' : orderStatus;
  if (status !== orderStatus) await tx.execute(sql`update orders set status = ${status}, updated_at = ${input.at} where id = ${input.orderId}`);
  await appendEvents(tx, [
    orderReroutedEvent(input, {
      units: backordered.reduce((sum, b) => sum + b.quantity, 0),
      moved: [],
      backordered,
      fromStatus: orderStatus,
      orderStatus: status,
      promisedDate: null,
      actorId: null,
    }),
  ]);
}

import { eq, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import { orders } from '#db/schema/orders.ts';
import { assertTransition } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import type { ShipmentStatus } from './shipment-status.ts';
import { unsentUnits } from './unreleased-units.ts';

/** How far a shipment got, on the order's path allocated → picking → packed → shipped → delivered. */
const stageOf: Record<ShipmentStatus, number> = {
  pending: 0,
  picking: 1,
  packed: 2,
  shipped: 3,
  exception: 3,
  returned_to_sender: 3,
  ready_for_pickup: 3,
  delivered: 4,
  picked_up: 4,
  cancelled: -1,
};
const path: OrderStatus[] = ['allocated', 'picking', 'packed', 'shipped', 'delivered'];

/**
 * Moves an order (already locked by the caller) along with its shipments: picking once one
 * starts, packed when all are packed, shipped when all have left, delivered when all have
 * arrived. Units still backordered or allocated without a shipment keep it picking: its shipments
 * are not all of it. Each step must be allowed by the order transition table, so a held or cancelled
 * order refuses the fulfillment step with 409 invalid_transition. Returns the new status.
 */
export async function advanceOrder(tx: Executor, orderId: string, occurredAt: Date): Promise<OrderStatus> {
  const result = await tx.execute<{ order_status: OrderStatus; status: ShipmentStatus | null }>(sql`
    select o.status as order_status, s.status from orders o left join shipments s on s.order_id = o.id and s.status <> 'cancelled'
    where o.id = ${orderId}`);
  const current = result.rows[0]!.order_status;
  const shipmentStatuses = result.rows.filter((r) => r.status !== null).map((r) => r.status!);
  let unsent: number | undefined;
  const status = await nextOrderStatus(current, shipmentStatuses, async () => (unsent ??= await unsentUnits(tx, orderId)));
  if (status !== current) await tx.update(orders).set({ status, updatedAt: occurredAt }).where(eq(orders.id, orderId));
  return status;
}

/**
 * The status an order in `current` takes with its (not cancelled) shipments in these statuses;
 * `unsent` counts its units no shipment carries (asked only when it matters). Throws
 * InvalidTransitionError as advanceOrder does. Pure, so set-based commands run it for many orders.
 */
export async function nextOrderStatus(current: OrderStatus, shipmentStatuses: readonly ShipmentStatus[], unsent: () => Promise<number> | number): Promise<OrderStatus> {
  const stages = shipmentStatuses.map((s) => stageOf[s]);
  if (stages.length === 0) return current;
  const all = Math.min(...stages);
  let target: OrderStatus | null = all >= 2 ? path[all]! : Math.max(...stages) >= 1 ? 'picking' : null;
  if (target === null) return current;
  if (target !== 'picking' && (await unsent()) > 0) target = 'picking';
  const from = path.indexOf(current);
  const to = path.indexOf(target);
  // A held, cancelled or returned order is off the path: its shipments wait (a hold is released by a person).
  if (from === -1) throw new InvalidTransitionError(current, target);
  if (from >= to) return current;
  let status = current;
  for (let i = from + 1; i <= to; i++) {
    assertTransition(status, path[i]!);
    status = path[i]!;
  }
  return status;
}

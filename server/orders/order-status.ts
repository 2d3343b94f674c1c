import { InvalidTransitionError } from '#server/core/errors.ts';
import type { OrderStatus } from './order.schemas.ts';

/** Every status an order may move to from each status. Anything else is refused. */
export const orderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['allocated', 'backordered', 'cancelled', 'on_hold'],
  allocated: ['picking', 'backordered', 'cancelled', 'on_hold'],
  backordered: ['allocated', 'cancelled', 'on_hold'],
  picking: ['packed', 'allocated', 'cancelled', 'on_hold'],
  // packed → picking: a shipment left short-picked and its missing units go out in another one.
  packed: ['shipped', 'picking', 'cancelled', 'on_hold'],
  // shipped → returned is a parcel refused or returned to sender by the carrier.
  shipped: ['delivered', 'returned'],
  delivered: ['return_requested'],
  return_requested: ['returned', 'delivered'],
  returned: [],
  cancelled: [],
  on_hold: ['placed', 'allocated', 'backordered', 'picking', 'packed', 'cancelled'],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return orderTransitions[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

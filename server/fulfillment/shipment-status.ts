import type { shipmentStatuses } from '#db/schema/fulfillment.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';

export type ShipmentStatus = (typeof shipmentStatuses)[number];

/**
 * Every status a shipment may move to from each status; anything else is refused (409).
 * Carriers may report an exception and then deliver after all, or send the parcel back.
 */
export const shipmentTransitions: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  pending: ['picking', 'cancelled'],
  picking: ['packed', 'pending', 'cancelled'],
  packed: ['shipped', 'ready_for_pickup', 'cancelled'],
  shipped: ['delivered', 'exception', 'returned_to_sender'],
  exception: ['shipped', 'delivered', 'returned_to_sender'],
  delivered: [],
  returned_to_sender: [],
  ready_for_pickup: ['picked_up', 'cancelled'],
  picked_up: [],
  cancelled: [],
};

export function canShipmentTransition(from: ShipmentStatus, to: ShipmentStatus): boolean {
  return shipmentTransitions[from].includes(to);
}

export function assertShipmentTransition(from: ShipmentStatus, to: ShipmentStatus): void {
  if (!canShipmentTransition(from, to)) throw new InvalidTransitionError(from, to, 'shipment');
}

/** Every event type Tower writes to the outbox: `entity.past_tense`. */
export const EventType = {
  orderPlaced: 'order.placed',
  orderAllocated: 'order.allocated',
  orderBackordered: 'order.backordered',
  orderCancelled: 'order.cancelled',
  orderHeld: 'order.held',
  orderReleased: 'order.released',
  paymentAuthorized: 'payment.authorized',
  paymentVoided: 'payment.voided',
  paymentRefunded: 'payment.refunded',
  inventoryAdjusted: 'inventory.adjusted',
  productCreated: 'product.created',
  locationCreated: 'location.created',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

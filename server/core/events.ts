/** Every event type Tower writes to the outbox: `entity.past_tense`. */
export const EventType = {
  orderPlaced: 'order.placed',
  orderAllocated: 'order.allocated',
  orderBackordered: 'order.backordered',
  orderCancelled: 'order.cancelled',
  orderHeld: 'order.held',
  orderReleased: 'order.released',
  /** One per shipment that leaves (or is ready for pickup); payload fixed in analytics/README.md. */
  orderShipped: 'order.shipped',
  /** One per shipment that arrives (or is picked up); payload fixed in analytics/README.md. */
  orderDelivered: 'order.delivered',
  paymentAuthorized: 'payment.authorized',
  paymentVoided: 'payment.voided',
  paymentRefunded: 'payment.refunded',
  paymentCaptured: 'payment.captured',
  inventoryAdjusted: 'inventory.adjusted',
  productCreated: 'product.created',
  locationCreated: 'location.created',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

/** Every event type Tower writes to the outbox: `entity.past_tense`. */
export const EventType = {
  orderPlaced: 'order.placed',
  orderAllocated: 'order.allocated',
  orderBackordered: 'order.backordered',
  orderCancelled: 'order.cancelled',
  orderHeld: 'order.held',
  orderReleased: 'order.released',
  /** Units moved off a location that rejected (or a manager took them from): from, to, reason, units. */
  orderRerouted: 'order.rerouted',
  /** The order moved to a faster delivery service (from, to), its open shipments re-promised. */
  orderServiceUpgraded: 'order.service_upgraded',
  /** One per shipment whose picking starts (its first lines claimed; again if its claims were all let go). */
  orderPickingStarted: 'order.picking_started',
  /** One per shipment packed: its packages and its pick/pack, packaging and label costs. */
  orderPacked: 'order.packed',
  /** One per shipment that leaves (or is ready for pickup); payload fixed in analytics/README.md. */
  orderShipped: 'order.shipped',
  /** One per shipment that arrives (or is picked up); payload fixed in analytics/README.md. */
  orderDelivered: 'order.delivered',
  paymentAuthorized: 'payment.authorized',
  paymentVoided: 'payment.voided',
  paymentRefunded: 'payment.refunded',
  paymentCaptured: 'payment.captured',
  inventoryAdjusted: 'inventory.adjusted',
  /** An RMA was opened for delivered units (by staff or by the customer). */
  returnRequested: 'return.requested',
  returnAuthorized: 'return.authorized',
  returnRejected: 'return.rejected',
  returnCancelled: 'return.cancelled',
  /** Returned goods arrived at a location; payload fixed in analytics/README.md. */
  returnReceived: 'return.received',
  /** The disposition of the units of one receipt (restock, refurbish, scrap, return to vendor). */
  returnInspected: 'return.inspected',
  /** The RMA was closed with a refund, store credit or an exchange. */
  returnResolved: 'return.resolved',
  storeCreditIssued: 'store_credit.issued',
  storeCreditRedeemed: 'store_credit.redeemed',
  productCreated: 'product.created',
  locationCreated: 'location.created',
  /** Capacity, costs, eligibility or opening of a location changed; payload names the changes. */
  locationUpdated: 'location.updated',
  /** A purchase order was raised (as a draft, or submitted at once: then purchase_order.submitted follows). */
  purchaseOrderCreated: 'purchase_order.created',
  /** A draft's lines, ship-to, expected date or note changed; payload holds the new lines. */
  purchaseOrderUpdated: 'purchase_order.updated',
  purchaseOrderSubmitted: 'purchase_order.submitted',
  /** One per receipt: the units received per SKU at the ship-to location (inventory.adjusted rows beside it). */
  purchaseOrderReceived: 'purchase_order.received',
  purchaseOrderCancelled: 'purchase_order.cancelled',
  /** No more units are expected: what was not received is no longer on order. */
  purchaseOrderClosed: 'purchase_order.closed',
  transferRequested: 'transfer.requested',
  /** Units left the source location (inventory.adjusted rows with reason transfer_out beside it). */
  transferShipped: 'transfer.shipped',
  /** One per receipt at the destination (inventory.adjusted rows with reason transfer_in beside it). */
  transferReceived: 'transfer.received',
  transferCancelled: 'transfer.cancelled',
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];

import { InvalidTransitionError } from '#server/core/errors.ts';
import type { PurchaseOrderStatus } from './purchasing.schemas.ts';

/**
 * Every status a purchase order may move to from each status. Receipts may come in parts
 * (partially_received → partially_received); closing gives up on what was not received, and
 * files a received order away. Only a draft is edited; cancelling is for orders nothing arrived on.
 */
export const purchaseOrderTransitions: Readonly<Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]>> = {
  draft: ['draft', 'submitted', 'cancelled'],
  submitted: ['partially_received', 'received', 'cancelled'],
  partially_received: ['partially_received', 'received', 'closed'],
  received: ['closed'],
  cancelled: [],
  closed: [],
};

export function assertPurchaseOrderTransition(from: PurchaseOrderStatus, to: PurchaseOrderStatus): void {
  if (!purchaseOrderTransitions[from].includes(to)) throw new InvalidTransitionError(from, to, 'purchase order');
}

/** Statuses whose unreceived units are still coming. */
export const OPEN_PURCHASE_ORDER_STATUSES: readonly PurchaseOrderStatus[] = ['submitted', 'partially_received'];

/** What other domains (restock proposals, the simulator's planners) use of purchasing. */
export { insertPurchaseOrder, type InsertPurchaseOrderInput } from './insert-purchase-order.ts';
export { insertTransfer, type InsertTransferInput } from './insert-transfer.ts';
export { inboundBySkuLocation, type InboundFilter } from './inbound-queries.ts';
export { preferredSuppliers, type PreferredSupplier } from './supplier-queries.ts';
export { defaultLane, laneLeadTimes, type LaneTerms } from './transfer-lanes.ts';
export type { InboundRow, PurchaseOrderView, TransferView } from './purchasing.schemas.ts';

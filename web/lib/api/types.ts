/**
 * The API's answers as the web app reads them. Where the server declares a shape with zod, the
 * type is inferred from it here (type-only imports: no server code reaches the browser).
 */
import type { z } from 'zod';
import type { SessionView } from '#server/auth/auth.schemas.ts';
import type { Order as OrderSchema, OrderPage as OrderPageSchema } from '#server/orders/order.schemas.ts';
import type { Location as LocationSchema, Product as ProductSchema } from '#server/catalog/catalog.schemas.ts';
import type { InventoryLevel as InventoryLevelSchema } from '#server/inventory/inventory.schemas.ts';
import type { Tracking as TrackingSchema } from '#server/tracking/tracking.schemas.ts';
import type { KpisSchema, TimeseriesSchema, BacklogSchema } from '#server/analytics/kpis.schemas.ts';
import type { ForecastRun as ForecastRunSchema, ForecastSeriesItem, ForecastSeriesPage as ForecastSeriesPageSchema } from '#server/forecasting/forecasting.schemas.ts';
import type { ApprovalResult as ApprovalResultSchema, Proposal as ProposalSchema } from '#server/replenishment/replenishment.schemas.ts';
import type {
  PurchaseOrder as PurchaseOrderSchema,
  PurchaseOrderReceipt as PurchaseOrderReceiptSchema,
  Supplier as SupplierSchema,
  Transfer as TransferSchema,
  TransferMovement as TransferMovementSchema,
} from '#server/purchasing/purchasing.schemas.ts';
import type { AlertMessage as AlertMessageShape, ForecastRunMessage } from '#server/realtime/realtime-events.ts';
import type {
  Alert as AlertSchema,
  AlertActionResult as AlertActionResultSchema,
  AlertDetail as AlertDetailSchema,
  AlertPage as AlertPageSchema,
  AlertRuleView as AlertRuleSchema,
  AlertStats as AlertStatsSchema,
} from '#server/alerts/alerts.schemas.ts';

export type Session = z.infer<typeof SessionView>;
export type SignedInUser = Session['user'];
export type Role = SignedInUser['roles'][number];
export type Order = z.infer<typeof OrderSchema>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
export type OrderStatus = Order['status'];
export type Channel = Order['channel'];
export type Kpis = z.infer<typeof KpisSchema>;
export type Timeseries = z.infer<typeof TimeseriesSchema>;
export type Backlog = z.infer<typeof BacklogSchema>;

export type Location = z.infer<typeof LocationSchema>;
export type Product = z.infer<typeof ProductSchema>;
export type InventoryLevel = z.infer<typeof InventoryLevelSchema>;

export type Tracking = z.infer<typeof TrackingSchema>;

export type ForecastRun = z.infer<typeof ForecastRunSchema>;
export type ForecastSeries = z.infer<typeof ForecastSeriesItem>;
export type ForecastSeriesPage = z.infer<typeof ForecastSeriesPageSchema>;
export type RunSummary = NonNullable<ForecastRun['summary']>;
export type AccuracySummary = RunSummary['locations'];
export type ForecastProgress = ForecastRunMessage;

export type Proposal = z.infer<typeof ProposalSchema>;
export type ProposalPage = { items: Proposal[]; nextCursor: string | null };
export type ApprovalResult = z.infer<typeof ApprovalResultSchema>;

export type Supplier = z.infer<typeof SupplierSchema>;
export type PurchaseOrder = z.infer<typeof PurchaseOrderSchema>;
export type PurchaseOrderReceipt = z.infer<typeof PurchaseOrderReceiptSchema>;
export type PurchaseOrderStatus = PurchaseOrder['status'];
export type Transfer = z.infer<typeof TransferSchema>;
export type TransferMovement = z.infer<typeof TransferMovementSchema>;
export type TransferStatus = Transfer['status'];
export type Page<T> = { items: T[]; nextCursor: string | null };

export type Alert = z.infer<typeof AlertSchema>;
export type AlertSeverity = Alert['severity'];
export type AlertState = Alert['state'];
export type AlertDetail = z.infer<typeof AlertDetailSchema>;
export type AlertHistoryEntry = AlertDetail['history'][number];
export type AlertPage = z.infer<typeof AlertPageSchema>;
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertStats = z.infer<typeof AlertStatsSchema>;
export type AlertActionKind = AlertDetail['actions'][number];
export type AlertActionResult = z.infer<typeof AlertActionResultSchema>;
/** socket.io `alert`: an item of `GET /api/alerts`, typed loosely by the event map. */
export type AlertMessage = AlertMessageShape;

export const CHANNELS = ['web', 'store', 'marketplace', 'phone', 'b2b'] as const satisfies readonly Channel[];
export const ORDER_STATUSES = [
  'placed',
  'allocated',
  'backordered',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
  'on_hold',
  'return_requested',
  'returned',
] as const satisfies readonly OrderStatus[];
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const satisfies readonly AlertSeverity[];
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const satisfies readonly AlertState[];

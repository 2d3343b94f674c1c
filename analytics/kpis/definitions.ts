/**
 * The one written definition of every KPI: what it means, its unit, and how it is computed
 * (the SQL of its measures lives in ./kpi-sql.ts, the formula here). The API
 * (GET /api/kpis, /api/kpis/timeseries), the live push, the UI and the tests all use these.
 *
 * Windows are half-open, [from, to), on each event's `occurred_at` (UTC). Every KPI is a
 * formula over per-window MEASURES (sums and counts of order_events rows, see kpi-sql.ts).
 * A ratio whose denominator is 0 is null ("no data in the window"), never 0 or a guess.
 */

import type { KpiFilters } from './kpi-filters.ts';

/** The sums and counts one scan of order_events yields per window (or per bucket). */
export interface KpiMeasures {
  /** order.placed events. */
  orders: number;
  /** Sum of order totals (tax and shipping included) of order.placed, in cents. */
  revenueCents: number;
  /** order.backordered events (only written at placement, when stock was short). */
  backorderedOrders: number;
  /** order.cancelled events. */
  cancelledOrders: number;
  /** order.shipped events (one per shipment) and the distinct orders they belong to. */
  shipments: number;
  shippedOrders: number;
  pickPackCents: number;
  packagingCents: number;
  labelCents: number;
  /** All costs (pick/pack + packaging + label) of shipments with shipmentNumber > 1. */
  splitExtraCents: number;
  /** Units of order.delivered lines / of return.received lines. */
  deliveredUnits: number;
  returnedUnits: number;
  /** Orders whose (last) delivery in the window is known, with their placement time. */
  deliveredOrders: number;
  deliveryHoursP50: number | null;
  deliveryHoursP90: number | null;
  deliveryHoursMean: number | null;
  /** Delivered orders that carried a promised date, and those delivered by it. */
  promisedOrders: number;
  onTimeOrders: number;
  /** The newest occurred_at among the rows read (ISO 8601), null if none. */
  newestEventAt: string | null;
}

export type KpiUnit = 'count' | 'cents' | 'hours' | 'ratio' | 'milliseconds';

export interface KpiDefinition {
  name: string;
  description: string;
  unit: KpiUnit;
  /** The value from a window's measures; null means "no data" (see description). */
  value(m: KpiMeasures): number | null;
}

const ratio = (numerator: number, denominator: number): number | null => (denominator > 0 ? numerator / denominator : null);
const perOrder = (m: KpiMeasures, cents: number): number | null => ratio(cents, m.shippedOrders);
const fulfillmentCents = (m: KpiMeasures) => m.pickPackCents + m.packagingCents + m.labelCents;

export const KPI_DEFINITIONS = {
  orders: {
    name: 'Orders',
    description: 'Orders placed in the window (order.placed events). Filters: see KPI_FILTER_DEFINITIONS (e.g. location = orders with units allocated there at placement; carrier = orders that carrier shipped in the window).',
    unit: 'count',
    value: (m) => m.orders,
  },
  revenueCents: {
    name: 'Revenue',
    description: 'Sum of the totals (goods after discounts, plus tax and shipping) of the orders placed in the window, in cents; the same order set as `orders`. Currencies are not converted.',
    unit: 'cents',
    value: (m) => m.revenueCents,
  },
  backorderRate: {
    name: 'Backorder rate',
    description: 'Orders placed in the window that were backordered at placement (stock short) ÷ orders placed in the window; null without orders.',
    unit: 'ratio',
    value: (m) => ratio(m.backorderedOrders, m.orders),
  },
  cancellationRate: {
    name: 'Cancellation rate',
    description: 'Cancellations in the window (order.cancelled, whenever the order was placed) ÷ orders placed in the window; null without orders.',
    unit: 'ratio',
    value: (m) => ratio(m.cancelledOrders, m.orders),
  },
  deliveryTimeP50Hours: {
    name: 'Delivery time, median',
    description:
      'Per order delivered in the window: hours from placement (placedAt) to its last delivery (deliveredAt) within the window; the median (linear interpolation between ranks, ClickHouse quantileExactInclusive). Null without deliveries.',
    unit: 'hours',
    value: (m) => m.deliveryHoursP50,
  },
  deliveryTimeP90Hours: {
    name: 'Delivery time, 90th percentile',
    description: 'As the median, 90th percentile (linear interpolation between ranks). Null without deliveries.',
    unit: 'hours',
    value: (m) => m.deliveryHoursP90,
  },
  deliveryTimeMeanHours: {
    name: 'Delivery time, mean',
    description: 'As the median, arithmetic mean. Null without deliveries.',
    unit: 'hours',
    value: (m) => m.deliveryHoursMean,
  },
  onTimeRate: {
    name: 'On-time rate',
    description: 'Orders delivered in the window whose last delivery was at or before their promised date (promisedAt) ÷ orders delivered in the window that had one; null without such deliveries.',
    unit: 'ratio',
    value: (m) => ratio(m.onTimeOrders, m.promisedOrders),
  },
  fulfillmentCostPerOrderCents: {
    name: 'Fulfillment cost per order',
    description:
      'Pick + pack labor, packaging and shipping labels of the shipments (order.shipped) in the window ÷ distinct orders shipped in the window, in cents. Split shipments count in full (their extra is fulfillmentSplitExtraPerOrderCents). Null without shipments.',
    unit: 'cents',
    value: (m) => perOrder(m, fulfillmentCents(m)),
  },
  fulfillmentCostShareOfRevenue: {
    name: 'Fulfillment cost, share of revenue',
    description: 'All fulfillment cost of the shipments in the window ÷ revenue of the orders placed in the window (both flows of the same window); null without revenue or without shipments.',
    unit: 'ratio',
    value: (m) => (m.shipments > 0 ? ratio(fulfillmentCents(m), m.revenueCents) : null),
  },
  fulfillmentPickPackPerOrderCents: {
    name: 'Pick and pack labor per order',
    description: 'Pick + pack labor cost of the shipments in the window ÷ orders shipped in the window, in cents; null without shipments.',
    unit: 'cents',
    value: (m) => perOrder(m, m.pickPackCents),
  },
  fulfillmentPackagingPerOrderCents: {
    name: 'Packaging per order',
    description: 'Packaging cost of the shipments in the window ÷ orders shipped in the window, in cents; null without shipments.',
    unit: 'cents',
    value: (m) => perOrder(m, m.packagingCents),
  },
  fulfillmentLabelPerOrderCents: {
    name: 'Shipping labels per order',
    description: 'Label (carrier) cost of the shipments in the window ÷ orders shipped in the window, in cents; null without shipments.',
    unit: 'cents',
    value: (m) => perOrder(m, m.labelCents),
  },
  fulfillmentSplitExtraPerOrderCents: {
    name: 'Extra cost of split shipments per order',
    description:
      "All costs of the shipments beyond an order's first (shipmentNumber > 1) in the window ÷ orders shipped in the window, in cents: what splitting cost over shipping each order once. Null without shipments.",
    unit: 'cents',
    value: (m) => perOrder(m, m.splitExtraCents),
  },
  returnRate: {
    name: 'Return rate',
    description:
      'Units received back (return.received lines) in the window ÷ units delivered (order.delivered lines) in the window; with a sku or category filter, units of that sku or category only; with a carrier filter, deliveries of that carrier and the returned units of the lines (order, sku) it shipped. Null without deliveries.',
    unit: 'ratio',
    value: (m) => ratio(m.returnedUnits, m.deliveredUnits),
  },
} satisfies Record<string, KpiDefinition>;

export type KpiMetric = keyof typeof KPI_DEFINITIONS;
export const KPI_METRICS = Object.keys(KPI_DEFINITIONS) as KpiMetric[];

export function isKpiMetric(value: string): value is KpiMetric {
  return Object.hasOwn(KPI_DEFINITIONS, value);
}

/**
 * What each filter of GET /api/kpis and /api/kpis/timeseries selects, for every KPI (the SQL:
 * ./kpi-filters.ts). Filters combine with AND. A fulfillment KPI under a filter reads only the
 * filtered shipments and deliveries: e.g. with a carrier, an order's delivery time runs to its
 * last delivery by that carrier, and its cost is that carrier's shipments.
 */
export const KPI_FILTER_DEFINITIONS = {
  channel: "The event's sales channel (every order and fulfillment event carries its order's).",
  locationId:
    'Orders with units allocated at that location at placement (orders, revenue, backorders); shipments, deliveries and returns of that location (shipped from, delivered from, received at); cancellations that released stock there.',
  category:
    'Orders placed, shipments, deliveries and returns with a line of that product category; backorders and cancellations of orders placed (before `to`) with such a line. The return rate counts only units of that category.',
  sku: 'Orders placed, shipments, deliveries and returns with a line of that sku; backorders and cancellations of orders placed (before `to`) with such a line. The return rate counts only units of that sku.',
  region:
    "The order's destination region (order.placed's `destination.region`, which shipments, deliveries and returns carry too), compared case-insensitively: orders placed, shipments, deliveries and returns of orders going there; backorders and cancellations through their order.placed (before `to`). Orders without a shipping address have no region. The same region name in two countries is one region.",
  carrier:
    "Shipments (order.shipped) and deliveries (order.delivered) of that carrier (compared case-insensitively); orders placed, backorders and cancellations of orders that carrier shipped in the window; returns: the returned units of the lines (order, sku) that carrier shipped before `to`.",
} as const satisfies Record<keyof KpiFilters, string>;

/** Not a formula over a window's events, but definitions all the same. */
export const PIPELINE_LAG_DEFINITION = {
  name: 'Pipeline lag',
  description:
    "now − occurred_at of the oldest outbox event not yet in ClickHouse, as this process's relay reports it (relayStats(): the leader's relayLagMs); 0 when caught up; null when no relay runs in this process.",
  unit: 'milliseconds' as KpiUnit,
};

export const BACKLOG_DEFINITION = {
  name: 'Backlog by status × location',
  description:
    "Orders that are open now (current status placed, allocated, backordered or on_hold; from order_facts), counted per current status and main location (the location holding most of the order's allocated units; the nil UUID for an order with none, e.g. wholly backordered). Not windowed: it is the state as of freshAsOf.",
  unit: 'count' as KpiUnit,
};

export const OPEN_STATUSES = ['placed', 'allocated', 'backordered', 'on_hold'] as const;

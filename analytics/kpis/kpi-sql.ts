import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { clickhouseTime } from '#analytics/relay/event-row.ts';
import type { KpiMeasures } from './definitions.ts';
import { filterSql, fulfillmentFilterSql, pickFilters, unitsSql, type KpiFilters } from './kpi-filters.ts';

export interface MeasureQuery extends KpiFilters {
  from: Date;
  to: Date;
  /** Bucket width; the whole window (one bucket) when absent. */
  stepMs?: number;
}

/** The event types the KPIs read (the window scan uses the table's key: (type, occurred_at, event_id)). */
const KPI_EVENT_TYPES = ['order.placed', 'order.backordered', 'order.cancelled', 'order.shipped', 'order.delivered', 'return.received'];

function windowSql(): string {
  return `occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}`;
}

function bucketSql(column: string): string {
  return `intDiv(toUnixTimestamp64Milli(${column}) - {fromMs:Int64}, {stepMs:Int64})`;
}

/**
 * The flow sums of the window's KPI events and the FROM/WHERE that selects them: shared by
 * the per-bucket scan (timeseries) and the one-statement window (computeKpis).
 */
function flowSumsSql(filters: KpiFilters): string {
  return `countIf(type = 'order.placed') AS orders,
  sumIf(amount_cents, type = 'order.placed') AS revenue_cents,
  countIf(type = 'order.backordered') AS backordered_orders,
  countIf(type = 'order.cancelled') AS cancelled_orders,
  countIf(type = 'order.shipped') AS shipments,
  sumIf(pick_pack_cost_cents, type = 'order.shipped') AS pick_pack_cents,
  sumIf(packaging_cost_cents, type = 'order.shipped') AS packaging_cents,
  sumIf(label_cost_cents, type = 'order.shipped') AS label_cents,
  sumIf(pick_pack_cost_cents + packaging_cost_cents + label_cost_cents, type = 'order.shipped' AND shipment_number > 1) AS split_extra_cents,
  sumIf(${unitsSql(filters, 'delivered')}, type = 'order.delivered') AS delivered_units,
  sumIf(${unitsSql(filters, 'returned')}, type = 'return.received') AS returned_units,
  max(occurred_at) AS newest_event_at
FROM order_events
WHERE type IN (${KPI_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})
  AND ${windowSql()}
  ${filterSql(filters)}`;
}

/** One scan of the window: every flow measure, per bucket. */
export function flowMeasuresSql(filters: KpiFilters): string {
  return `
SELECT
  ${bucketSql('occurred_at')} AS bucket,
  uniqExactIf(order_id, type = 'order.shipped') AS shipped_orders,
  ${flowSumsSql(filters)}
GROUP BY bucket`;
}

/**
 * Delivery time per order: the order's last order.delivered in the window (deliveredAt)
 * minus its placedAt, bucketed by that last delivery. Orders whose events lack placedAt are
 * left out (they cannot have a delivery time); on time = delivered at or before promisedAt.
 */
export function deliveryMeasuresSql(filters: KpiFilters): string {
  return `
SELECT
  ${bucketSql('last_event_at')} AS bucket,
  count() AS delivered_orders,
  quantilesExactInclusive(0.5, 0.9)(hours) AS hours_quantiles,
  avg(hours) AS hours_mean,
  countIf(promised IS NOT NULL) AS promised_orders,
  countIf(promised IS NOT NULL AND delivered <= promised) AS on_time_orders
FROM
(
  SELECT
    order_id,
    max(occurred_at) AS last_event_at,
    max(coalesce(delivered_at, occurred_at)) AS delivered,
    min(placed_at) AS placed,
    min(promised_at) AS promised,
    assumeNotNull(dateDiff('millisecond', placed, delivered)) / 3600000 AS hours
  FROM order_events
  WHERE type = 'order.delivered' AND ${windowSql()}
    ${fulfillmentFilterSql(filters)}
  GROUP BY order_id
  HAVING placed IS NOT NULL
)
GROUP BY bucket`;
}

/**
 * The whole window as one bucket, in ONE statement (what computeKpis runs): the sums of the
 * window scan, cross-joined with one `GROUP BY order_id` over the window's shipments and
 * deliveries that gives both the distinct shipped orders and the per-order delivery times
 * (same definitions as flowMeasuresSql / deliveryMeasuresSql; the filters are per row, so
 * they select the same rows). The embedded engine runs one statement at a time per process:
 * this saves the second hash of ~400k order ids rather than running two statements at once.
 */
export function windowMeasuresSql(filters: KpiFilters): string {
  return `
SELECT *
FROM
(
  SELECT
    count() AS events,
    ${flowSumsSql(filters)}
) AS flows
CROSS JOIN
(
  SELECT
    countIf(shipped) AS shipped_orders,
    countIf(placed IS NOT NULL) AS delivered_orders,
    quantilesExactInclusiveIf(0.5, 0.9)(hours, placed IS NOT NULL) AS hours_quantiles,
    avgIf(hours, placed IS NOT NULL) AS hours_mean,
    countIf(placed IS NOT NULL AND promised IS NOT NULL) AS promised_orders,
    countIf(placed IS NOT NULL AND promised IS NOT NULL AND delivered <= promised) AS on_time_orders
  FROM
  (
    SELECT
      order_id,
      max(type = 'order.shipped') AS shipped,
      maxIf(coalesce(delivered_at, occurred_at), type = 'order.delivered') AS delivered,
      minIf(placed_at, type = 'order.delivered') AS placed,
      minIf(promised_at, type = 'order.delivered') AS promised,
      assumeNotNull(dateDiff('millisecond', placed, delivered)) / 3600000 AS hours
    FROM order_events
    WHERE type IN ('order.shipped', 'order.delivered') AND ${windowSql()}
      ${fulfillmentFilterSql(filters)}
    GROUP BY order_id
  )
) AS orders_of_window`;
}

interface FlowRow {
  bucket: string;
  orders: string;
  revenue_cents: string;
  backordered_orders: string;
  cancelled_orders: string;
  shipments: string;
  shipped_orders: string;
  pick_pack_cents: string;
  packaging_cents: string;
  label_cents: string;
  split_extra_cents: string;
  delivered_units: string;
  returned_units: string;
  newest_event_at: string;
}

interface DeliveryRow {
  bucket: string;
  delivered_orders: string;
  hours_quantiles: number[];
  hours_mean: number;
  promised_orders: string;
  on_time_orders: string;
}

export function emptyMeasures(): KpiMeasures {
  return {
    orders: 0,
    revenueCents: 0,
    backorderedOrders: 0,
    cancelledOrders: 0,
    shipments: 0,
    shippedOrders: 0,
    pickPackCents: 0,
    packagingCents: 0,
    labelCents: 0,
    splitExtraCents: 0,
    deliveredUnits: 0,
    returnedUnits: 0,
    deliveredOrders: 0,
    deliveryHoursP50: null,
    deliveryHoursP90: null,
    deliveryHoursMean: null,
    promisedOrders: 0,
    onTimeOrders: 0,
    newestEventAt: null,
  };
}

/** `2024-05-01 12:34:56.789` (UTC, what DateTime64 prints) → ISO 8601. */
function isoOf(clickhouse: string): string {
  return new Date(`${clickhouse.replace(' ', 'T')}Z`).toISOString();
}

/**
 * The measures of the window [from, to) per bucket of `stepMs` (bucket i starts at
 * from + i·stepMs); buckets without events are absent from the map. Without `stepMs`, one
 * statement (windowMeasuresSql); with it, two: the flow scan and the per-order delivery times.
 */
export async function queryMeasures(clickhouse: ClickHouseClient, query: MeasureQuery): Promise<Map<number, KpiMeasures>> {
  const fromMs = query.from.getTime();
  const stepMs = query.stepMs ?? Math.max(1, query.to.getTime() - fromMs);
  const params: Record<string, unknown> = {
    from: clickhouseTime(query.from),
    to: clickhouseTime(query.to),
    fromMs,
    stepMs,
    ...pickFilters(query),
  };
  const buckets = new Map<number, KpiMeasures>();
  const at = (bucket: string) => {
    const key = Number(bucket);
    let measures = buckets.get(key);
    if (!measures) buckets.set(key, (measures = emptyMeasures()));
    return measures;
  };

  const setFlows = (measures: KpiMeasures, row: Omit<FlowRow, 'bucket'>) =>
    Object.assign(measures, {
      orders: Number(row.orders),
      revenueCents: Number(row.revenue_cents),
      backorderedOrders: Number(row.backordered_orders),
      cancelledOrders: Number(row.cancelled_orders),
      shipments: Number(row.shipments),
      shippedOrders: Number(row.shipped_orders),
      pickPackCents: Number(row.pick_pack_cents),
      packagingCents: Number(row.packaging_cents),
      labelCents: Number(row.label_cents),
      splitExtraCents: Number(row.split_extra_cents),
      deliveredUnits: Number(row.delivered_units),
      returnedUnits: Number(row.returned_units),
      newestEventAt: isoOf(row.newest_event_at),
    } satisfies Partial<KpiMeasures>);
  const setDeliveries = (measures: KpiMeasures, row: Omit<DeliveryRow, 'bucket'>) => {
    const count = Number(row.delivered_orders);
    Object.assign(measures, {
      deliveredOrders: count,
      deliveryHoursP50: count > 0 ? Number(row.hours_quantiles[0]) : null,
      deliveryHoursP90: count > 0 ? Number(row.hours_quantiles[1]) : null,
      deliveryHoursMean: count > 0 ? Number(row.hours_mean) : null,
      promisedOrders: Number(row.promised_orders),
      onTimeOrders: Number(row.on_time_orders),
    } satisfies Partial<KpiMeasures>);
  };

  if (query.stepMs === undefined) {
    const window = await clickhouse.query({ query: windowMeasuresSql(query), query_params: params, format: 'JSONEachRow' });
    for (const row of await window.json<{ events: string } & Omit<FlowRow, 'bucket'> & Omit<DeliveryRow, 'bucket'>>()) {
      // Without a GROUP BY the row comes even for an empty window: then no bucket, as with two statements.
      if (Number(row.events) === 0) continue;
      const measures = at('0');
      setFlows(measures, row);
      setDeliveries(measures, row);
    }
    return buckets;
  }

  const flows = await clickhouse.query({ query: flowMeasuresSql(query), query_params: params, format: 'JSONEachRow' });
  for (const row of await flows.json<FlowRow>()) setFlows(at(row.bucket), row);

  const deliveries = await clickhouse.query({ query: deliveryMeasuresSql(query), query_params: params, format: 'JSONEachRow' });
  for (const row of await deliveries.json<DeliveryRow>()) setDeliveries(at(row.bucket), row);
  return buckets;
}

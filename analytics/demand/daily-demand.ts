import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { NIL_UUID } from '#analytics/relay/event-row.ts';

/** Units of one SKU wanted on one UTC day, at a location or across the network. */
export interface DemandRow {
  sku: string;
  /** A location id; null for network-wide demand. */
  locationId: string | null;
  day: string;
  units: number;
}

export interface DemandWindow {
  /** First day (YYYY-MM-DD, UTC), included. */
  from: string;
  /** Last day, included. */
  to: string;
}

/**
 * Daily demand for forecasting, two ways:
 *  - at a location: the units allocated there (order.allocated, and the allocated part of an
 *    order.backordered; a backorder filled later counts on the day a location took it), which is
 *    what the location must restock;
 *  - network-wide: the units ordered (order.placed), whether or not any stock was found.
 * Not read with FINAL: the relay's insert deduplication keeps copies out, and a stray duplicate
 * moves one day's demand by one order, far below forecast error. Cancelled orders stay: they were demand.
 */
export async function dailyDemand(clickhouse: ClickHouseClient, window: DemandWindow): Promise<DemandRow[]> {
  const result = await clickhouse.query({
    query: `
SELECT sku, location_id, day, units FROM
(
  SELECT l.sku AS sku, toString(l.location_id) AS location_id, toString(toDate(occurred_at)) AS day, sum(l.quantity) AS units
  FROM order_events ARRAY JOIN lines AS l
  WHERE type IN ('order.allocated', 'order.backordered')
    AND occurred_at >= toDateTime64({from:Date}, 3, 'UTC') AND occurred_at < toDateTime64({to:Date} + 1, 3, 'UTC')
    AND l.location_id != toUUID({nil:String})
  GROUP BY sku, location_id, day
  UNION ALL
  SELECT l.sku AS sku, '' AS location_id, toString(toDate(occurred_at)) AS day, sum(l.quantity) AS units
  FROM order_events ARRAY JOIN lines AS l
  WHERE type = 'order.placed'
    AND occurred_at >= toDateTime64({from:Date}, 3, 'UTC') AND occurred_at < toDateTime64({to:Date} + 1, 3, 'UTC')
  GROUP BY sku, day
)
WHERE units > 0`,
    query_params: { from: window.from, to: window.to, nil: NIL_UUID },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ sku: string; location_id: string; day: string; units: string | number }>();
  return rows.map((r) => ({ sku: r.sku, locationId: r.location_id === '' ? null : r.location_id, day: r.day, units: Number(r.units) }));
}

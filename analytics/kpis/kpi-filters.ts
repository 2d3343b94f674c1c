/**
 * Which order_events rows (and which of their units) a KPI reads besides the window: the SQL
 * of the filters of GET /api/kpis and /api/kpis/timeseries. Their written definitions are
 * KPI_FILTER_DEFINITIONS (./definitions.ts) and analytics/README.md ("KPIs"); without a
 * filter, every function here adds nothing to the statement.
 */

/** One value per filter; absent = not filtered. */
export interface KpiFilters {
  channel?: string | undefined;
  locationId?: string | undefined;
  category?: string | undefined;
  carrier?: string | undefined;
  region?: string | undefined;
  sku?: string | undefined;
}

export const KPI_FILTER_NAMES = ['channel', 'locationId', 'category', 'carrier', 'region', 'sku'] as const satisfies readonly (keyof KpiFilters)[];

const FULFILLMENT_TYPES = `('order.shipped', 'order.delivered', 'return.received')`;
/** The event types that carry the order's lines (skus, categories) and destination themselves. */
const LINE_TYPES = `('order.placed', 'order.shipped', 'order.delivered', 'return.received')`;
const IN_WINDOW = `occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}`;
const BEFORE_TO = `occurred_at < {to:DateTime64(3, 'UTC')}`;

/** Regions are the text of an address: compared as pricing's tax lookup does, case-insensitively. */
const REGION_MATCHES = 'upperUTF8(region) = upperUTF8({region:String})';
/** Carriers are names as their emitter writes them (`ups`, `UPS`): compared case-insensitively too. */
const CARRIER_MATCHES = 'lowerUTF8(carrier) = lowerUTF8({carrier:String})';

/**
 * Orders placed before `to` whose order.placed row satisfies `condition`: what backorders and
 * cancellations (whose rows lack the order's lines and destination) are filtered by. Not
 * bounded below: a cancellation in the window may be of an order placed long before.
 */
function ordersPlacedWhere(condition: string): string {
  return `order_id IN (
        SELECT order_id FROM order_events
        WHERE type = 'order.placed' AND ${BEFORE_TO} AND ${condition})`;
}

/**
 * (order_id, sku) of the lines the carrier shipped before `to`: a return's unit counts for the
 * carrier that shipped that sku of that order (the return.received event names no carrier).
 * Only orders with a return in the window, so the set stays small; only the sku array is
 * unnested (`ARRAY JOIN lines` would read every array of the Nested).
 */
const CARRIER_LINES = `(
        SELECT order_id, sku FROM order_events ARRAY JOIN lines.sku AS sku
        WHERE type = 'order.shipped' AND ${BEFORE_TO} AND ${CARRIER_MATCHES}
          AND order_id IN (SELECT order_id FROM order_events WHERE type = 'return.received' AND ${IN_WINDOW}))`;

/**
 * The filters as SQL conditions on an order_events row (parameters named as the filters):
 *
 * - channel: the event's channel (every order and fulfillment event carries it);
 * - location: shipped / delivered / returned events of that location; an order.placed whose
 *   order had units allocated there at placement (its order.allocated / order.backordered of
 *   the same instant); cancellations that released stock there;
 * - category, sku: placed / shipped / delivered / returned events with a line of that
 *   category / sku; backorders and cancellations of orders placed (up to `to`) with such a line;
 * - region: events of orders whose destination region (order.placed's `destination.region`,
 *   copied into the fulfillment events) is that one, compared case-insensitively; backorders
 *   and cancellations through their order.placed (up to `to`), as for category;
 * - carrier (case-insensitively): order.shipped / order.delivered of that carrier;
 *   return.received with units of a line (order, sku) that carrier shipped before `to` (the
 *   very expression the return rate sums, so that ClickHouse can compute it once); placements,
 *   backorders and cancellations of orders it shipped in the window (a shipment never precedes
 *   its order's placement, and a shipped order cannot be cancelled, so the window holds all
 *   of them).
 */
export function filterSql(filters: KpiFilters): string {
  const conditions: string[] = [];
  if (filters.channel !== undefined) conditions.push('channel = {channel:String}');
  if (filters.locationId !== undefined) {
    conditions.push(`multiIf(
      type IN ${FULFILLMENT_TYPES}, location_id = {locationId:UUID},
      type = 'order.placed', order_id IN (
        SELECT order_id FROM order_events
        WHERE type IN ('order.allocated', 'order.backordered') AND from_backorder = 0
          AND ${IN_WINDOW}
          AND has(lines.location_id, {locationId:UUID})),
      has(lines.location_id, {locationId:UUID}))`);
  }
  if (filters.category !== undefined) {
    const hasCategory = 'has(lines.category, {category:String})';
    conditions.push(`multiIf(type IN ${LINE_TYPES}, ${hasCategory}, ${ordersPlacedWhere(hasCategory)})`);
  }
  if (filters.sku !== undefined) {
    const hasSku = 'has(lines.sku, {sku:String})';
    conditions.push(`multiIf(type IN ${LINE_TYPES}, ${hasSku}, ${ordersPlacedWhere(hasSku)})`);
  }
  if (filters.region !== undefined) {
    conditions.push(`multiIf(type IN ${LINE_TYPES}, ${REGION_MATCHES}, ${ordersPlacedWhere(REGION_MATCHES)})`);
  }
  if (filters.carrier !== undefined) {
    conditions.push(`multiIf(
      type IN ('order.shipped', 'order.delivered'), ${CARRIER_MATCHES},
      type = 'return.received', ${unitsSql(filters, 'returned')} > 0,
      order_id IN (
        SELECT order_id FROM order_events
        WHERE type = 'order.shipped' AND ${IN_WINDOW} AND ${CARRIER_MATCHES}))`);
  }
  return conditions.map((c) => `AND ${c}`).join('\n');
}

/**
 * filterSql for order.shipped / order.delivered rows only: what its multiIf gives for those
 * types, without building the subquery sets that only other types need.
 */
export function fulfillmentFilterSql(filters: KpiFilters): string {
  const conditions: string[] = [];
  if (filters.channel !== undefined) conditions.push('channel = {channel:String}');
  if (filters.locationId !== undefined) conditions.push('location_id = {locationId:UUID}');
  if (filters.category !== undefined) conditions.push('has(lines.category, {category:String})');
  if (filters.sku !== undefined) conditions.push('has(lines.sku, {sku:String})');
  if (filters.region !== undefined) conditions.push(REGION_MATCHES);
  if (filters.carrier !== undefined) conditions.push(CARRIER_MATCHES);
  return conditions.map((c) => `AND ${c}`).join('\n');
}

/**
 * Units of an order.delivered / return.received row that count: all its lines (`units`), or
 * only those of the sku / category filtered on, and for a return with a carrier filter only
 * the lines that carrier shipped (a delivery row of another carrier is filtered out whole).
 */
export function unitsSql(filters: KpiFilters, of: 'delivered' | 'returned'): string {
  const bySku = filters.sku !== undefined || (filters.carrier !== undefined && of === 'returned');
  const conditions: string[] = [];
  if (filters.sku !== undefined) conditions.push('s = {sku:String}');
  if (filters.category !== undefined) conditions.push('c = {category:String}');
  if (filters.carrier !== undefined && of === 'returned') conditions.push(`(order_id, s) IN ${CARRIER_LINES}`);
  if (conditions.length === 0) return 'units';
  // Only the line arrays a condition reads: each one more is a column read for every row.
  const lambda = [['q', 'lines.quantity'], ...(bySku ? [['s', 'lines.sku']] : []), ...(filters.category !== undefined ? [['c', 'lines.category']] : [])];
  return `arraySum(arrayMap((${lambda.map(([arg]) => arg).join(', ')}) -> if(${conditions.join(' AND ')}, q, 0), ${lambda.map(([, column]) => column).join(', ')}))`;
}

/** The filters given in `source` (a query with its window, a route's parameters), nothing else: also the SQL's query parameters. */
export function pickFilters(source: KpiFilters): KpiFilters {
  const filters: KpiFilters = {};
  for (const name of KPI_FILTER_NAMES) if (source[name] !== undefined) filters[name] = source[name];
  return filters;
}

import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { relayStats } from '#analytics/relay/relay.ts';
import { KPI_DEFINITIONS, OPEN_STATUSES, type KpiMeasures, type KpiMetric } from './definitions.ts';
import { pickFilters, type KpiFilters } from './kpi-filters.ts';
import { emptyMeasures, queryMeasures } from './kpi-sql.ts';

export { KPI_DEFINITIONS, KPI_METRICS, isKpiMetric, type KpiMetric } from './definitions.ts';
export type { KpiFilters } from './kpi-filters.ts';

/** A window and its filters (definitions: KPI_FILTER_DEFINITIONS in ./definitions.ts). */
export type KpiQuery = { from: Date; to: Date } & KpiFilters;

/**
 * `GET /api/kpis` (shape fixed by CONTRACT.md) plus `freshAsOf`. Every field's meaning is in
 * ./definitions.ts; null = no data for it in the window (e.g. no deliveries yet).
 * `fulfillmentCostCents` also carries its components (per shipped order, in cents).
 */
export type Kpis = {
  deliveryTimeHours: { p50: number | null; p90: number | null; mean: number | null };
  fulfillmentCostCents: {
    perOrder: number | null;
    shareOfRevenue: number | null;
    pickPackPerOrder: number | null;
    packagingPerOrder: number | null;
    labelPerOrder: number | null;
    splitExtraPerOrder: number | null;
  };
  returnRate: number | null;
  orders: number;
  revenueCents: number;
  onTimeRate: number | null;
  backorderRate: number | null;
  cancellationRate: number | null;
  /** The relay's lag in this process (ms); null when no relay runs here. */
  pipelineLagMs: number | null;
  /** occurred_at of the newest event the figures include (ISO 8601); null when none. */
  freshAsOf: string | null;
};

export const MAX_TIMESERIES_POINTS = 1_000;

function assertWindow(from: Date, to: Date) {
  if (!(from.getTime() < to.getTime())) throw new RangeError('the window must have from < to');
}

const value = (metric: KpiMetric, m: KpiMeasures) => KPI_DEFINITIONS[metric].value(m);

/** The pipeline lag as this process's relay sees it: the leader's, else the largest; null without a relay. */
export function pipelineLagMs(): number | null {
  const stats = relayStats();
  if (stats.length === 0) return null;
  const leader = stats.find((s) => s.leader);
  return leader ? leader.relayLagMs : Math.max(...stats.map((s) => s.relayLagMs));
}

export function kpisFromMeasures(m: KpiMeasures, lagMs: number | null): Kpis {
  return {
    deliveryTimeHours: { p50: value('deliveryTimeP50Hours', m), p90: value('deliveryTimeP90Hours', m), mean: value('deliveryTimeMeanHours', m) },
    fulfillmentCostCents: {
      perOrder: value('fulfillmentCostPerOrderCents', m),
      shareOfRevenue: value('fulfillmentCostShareOfRevenue', m),
      pickPackPerOrder: value('fulfillmentPickPackPerOrderCents', m),
      packagingPerOrder: value('fulfillmentPackagingPerOrderCents', m),
      labelPerOrder: value('fulfillmentLabelPerOrderCents', m),
      splitExtraPerOrder: value('fulfillmentSplitExtraPerOrderCents', m),
    },
    returnRate: value('returnRate', m),
    orders: m.orders,
    revenueCents: m.revenueCents,
    onTimeRate: value('onTimeRate', m),
    backorderRate: value('backorderRate', m),
    cancellationRate: value('cancellationRate', m),
    pipelineLagMs: lagMs,
    freshAsOf: m.newestEventAt,
  };
}

/** Every KPI of the window [from, to), with the filters (see analytics/README.md, "KPIs"). */
export async function computeKpis(clickhouse: ClickHouseClient, query: KpiQuery): Promise<Kpis> {
  assertWindow(query.from, query.to);
  const buckets = await queryMeasures(clickhouse, { from: query.from, to: query.to, ...pickFilters(query) });
  return kpisFromMeasures(buckets.get(0) ?? emptyMeasures(), pipelineLagMs());
}

export interface TimeseriesQuery {
  metric: KpiMetric;
  from: Date;
  to: Date;
  /** Bucket width in milliseconds; bucket i is [from + i·step, from + (i+1)·step) ∩ [from, to). */
  stepMs: number;
  filters?: KpiFilters;
}

export interface TimeseriesPoint {
  /** Start of the bucket (ISO 8601). */
  t: string;
  value: number | null;
}

export function timeseriesPoints(from: Date, to: Date, stepMs: number): number {
  return Math.ceil((to.getTime() - from.getTime()) / stepMs);
}

/** One KPI per bucket: counts are 0 in an empty bucket, ratios and times null (no data). */
export async function kpiTimeseries(clickhouse: ClickHouseClient, query: TimeseriesQuery): Promise<TimeseriesPoint[]> {
  assertWindow(query.from, query.to);
  if (!(Number.isInteger(query.stepMs) && query.stepMs > 0)) throw new RangeError('step must be a positive whole number of milliseconds');
  const points = timeseriesPoints(query.from, query.to, query.stepMs);
  if (points > MAX_TIMESERIES_POINTS) throw new RangeError(`the window and step give ${points} points, at most ${MAX_TIMESERIES_POINTS}`);
  const buckets = await queryMeasures(clickhouse, { from: query.from, to: query.to, stepMs: query.stepMs, ...pickFilters(query.filters ?? {}) });
  const fromMs = query.from.getTime();
  return Array.from({ length: points }, (_, i) => ({
    t: new Date(fromMs + i * query.stepMs).toISOString(),
    value: value(query.metric, buckets.get(i) ?? emptyMeasures()),
  }));
}

export interface BacklogCell {
  status: (typeof OPEN_STATUSES)[number];
  locationId: string;
  orders: number;
}

/** The filters the backlog takes: what order_facts knows of an open order (it has no shipment yet, and no lines). */
export type BacklogFilters = Pick<KpiFilters, 'channel' | 'locationId' | 'region'>;

/** BACKLOG_DEFINITION (./definitions.ts): open orders now, per current status × main location. */
export async function computeBacklog(clickhouse: ClickHouseClient, filters: BacklogFilters = {}): Promise<BacklogCell[]> {
  const { channel, locationId, region } = filters;
  const result = await clickhouse.query({
    query: `
      SELECT status, location_id, count() AS orders
      FROM
      (
        SELECT order_id, max(status).2 AS status, max(location_id) AS location_id, max(channel) AS channel, max(region) AS region
        FROM order_facts
        GROUP BY order_id
      )
      WHERE status IN {open:Array(String)}
        ${channel !== undefined ? 'AND channel = {channel:String}' : ''}
        ${locationId !== undefined ? 'AND location_id = {locationId:UUID}' : ''}
        ${region !== undefined ? 'AND upperUTF8(region) = upperUTF8({region:String})' : ''}
      GROUP BY status, location_id
      ORDER BY status, location_id`,
    query_params: { open: [...OPEN_STATUSES], ...pickFilters({ channel, locationId, region }) },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ status: BacklogCell['status']; location_id: string; orders: string }>();
  return rows.map((r) => ({ status: r.status, locationId: r.location_id, orders: Number(r.orders) }));
}

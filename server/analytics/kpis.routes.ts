import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { computeBacklog, computeKpis, kpiTimeseries, type KpiMetric } from '#analytics/kpis/compute-kpis.ts';
import { pickFilters } from '#analytics/kpis/kpi-filters.ts';
import { resolveRelativeWindow } from '#analytics/kpis/relative-window.ts';
import { poolOf, reconcile } from '#analytics/reconcile.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { problemResponse } from '#server/http/problem.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { BacklogQuerySchema, BacklogSchema, KpiQuerySchema, KpisSchema, ReconciliationQuerySchema, ReconciliationSchema, stepMs, TimeseriesQuerySchema, TimeseriesSchema } from './kpis.schemas.ts';

export interface AnalyticsRouteDeps extends RouteDeps {
  /** Without it (or while it fails), every analytics route answers 503 `unavailable`. */
  clickhouse?: ClickHouseClient | undefined;
}

const kpisRoute = createRoute({
  method: 'get',
  path: '/api/kpis',
  'x-permission': 'analytics:read',
  tags: ['analytics'],
  summary:
    'Every KPI over a window [from, to), or over the last `window` (1h, 24h, 7d, 30d) up to now, optionally for one channel, location, category, sku, carrier or destination region (definitions: analytics/kpis/definitions.ts)',
  request: { query: KpiQuerySchema },
  responses: { 200: jsonContent(KpisSchema, 'The KPIs; null where the window has no data for one; freshAsOf = newest event included'), ...problemResponses(422, 503) },
});

const timeseriesRoute = createRoute({
  method: 'get',
  path: '/api/kpis/timeseries',
  'x-permission': 'analytics:read',
  tags: ['analytics'],
  summary: 'One KPI per bucket of `step` over [from, to) (at most 1,000 points)',
  request: { query: TimeseriesQuerySchema },
  responses: { 200: jsonContent(TimeseriesSchema, 'One point per bucket, t = its start'), ...problemResponses(422, 503) },
});

const reconciliationRoute = createRoute({
  method: 'get',
  path: '/api/analytics/reconciliation',
  'x-permission': 'analytics:read',
  tags: ['analytics'],
  summary: 'PostgreSQL against ClickHouse per day of [from, to): orders, units, revenue; every difference listed',
  request: { query: ReconciliationQuerySchema },
  responses: { 200: jsonContent(ReconciliationSchema, 'The comparison; ok = no difference'), ...problemResponses(422, 503) },
});

const backlogRoute = createRoute({
  method: 'get',
  path: '/api/kpis/backlog',
  'x-permission': 'analytics:read',
  tags: ['analytics'],
  summary: 'Backlog now: open orders per status × location, optionally for one channel, location or destination region',
  request: { query: BacklogQuerySchema },
  responses: { 200: jsonContent(BacklogSchema, 'One cell per status × location with open orders'), ...problemResponses(422, 503) },
});

function unavailable(c: Context, detail: string) {
  return problemResponse(c, { type: 'unavailable', title: 'Analytics unavailable', status: 503, detail });
}

/** Runs `work` against ClickHouse; no client, or a failing one, is a 503 (PostgreSQL stays up). */
async function withClickHouse(c: Context, deps: AnalyticsRouteDeps, work: (clickhouse: ClickHouseClient) => Promise<unknown>) {
  if (!deps.clickhouse) return unavailable(c, 'This server has no ClickHouse: analytics are not available');
  let body: unknown;
  try {
    body = await work(deps.clickhouse);
  } catch (error) {
    deps.logger.warn({ err: error }, 'analytics query failed');
    return unavailable(c, `ClickHouse did not answer: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
  }
  return c.json(body, 200);
}

export function kpisRoutes(deps: AnalyticsRouteDeps) {
  return createRouter()
    .openapi(kpisRoute, async (c) => {
      const q = c.req.valid('query');
      // The schema lets through either window or both from and to.
      const range = q.window ? resolveRelativeWindow(q.window, deps.clock.now()) : { from: new Date(q.from!), to: new Date(q.to!) };
      return withClickHouse(c, deps, (clickhouse) => computeKpis(clickhouse, { ...range, ...pickFilters(q) })) as never;
    })
    .openapi(backlogRoute, async (c) => {
      const q = c.req.valid('query');
      return withClickHouse(c, deps, (clickhouse) =>
        computeBacklog(clickhouse, pickFilters(q)),
      ) as never;
    })
    .openapi(timeseriesRoute, async (c) => {
      const q = c.req.valid('query');
      return withClickHouse(c, deps, (clickhouse) =>
        kpiTimeseries(clickhouse, {
          metric: q.metric as KpiMetric,
          from: new Date(q.from),
          to: new Date(q.to),
          stepMs: stepMs(q.step),
          filters: pickFilters(q),
        }),
      ) as never;
    })
    .openapi(reconciliationRoute, async (c) => {
      const q = c.req.valid('query');
      const pool = poolOf(deps.db);
      return withClickHouse(c, deps, (clickhouse) => reconcile(pool, clickhouse, { from: new Date(q.from), to: new Date(q.to) })) as never;
    });
}

import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { UnavailableError } from '#server/core/errors.ts';
import { listForecastSeries } from './forecast-queries.ts';
import { findRun, listRuns, runView } from './forecast-run-store.ts';
import type { ForecastRunner } from './forecast-runner.ts';
import { ForecastQuery, ForecastRun, ForecastSeriesPage } from './forecasting.schemas.ts';

export interface ForecastRouteDeps extends RouteDeps {
  /** Without it (no ClickHouse), runs cannot start: 503; stored forecasts still read. */
  forecasts?: ForecastRunner | undefined;
}

const seriesRoute = createRoute({
  method: 'get',
  path: '/api/forecasts',
  'x-permission': 'forecasts:read',
  tags: ['forecasts'],
  summary: 'The latest successful run’s series: daily forecast with its 80 % interval, backtest accuracy against seasonal naive, stock-out risk',
  request: { query: ForecastQuery },
  responses: { 200: jsonContent(ForecastSeriesPage, 'Series, ranked; run is null before the first successful run'), ...problemResponses(404, 422) },
});

const startRunRoute = createRoute({
  method: 'post',
  path: '/api/forecasts/runs',
  'x-permission': 'forecasts:run',
  tags: ['forecasts'],
  summary: 'Start a forecast run now (it also runs nightly); progress comes as `forecast:run` over socket.io',
  responses: { 202: jsonContent(ForecastRun, 'The run, started'), ...problemResponses(409, 503) },
});

const listRunsRoute = createRoute({
  method: 'get',
  path: '/api/forecasts/runs',
  'x-permission': 'forecasts:read',
  tags: ['forecasts'],
  summary: 'Recent runs, newest first, with their accuracy summary to compare one with the last',
  request: { query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) }) },
  responses: { 200: jsonContent(z.object({ items: z.array(ForecastRun) }), 'Runs'), ...problemResponses(422) },
});

const runRoute = createRoute({
  method: 'get',
  path: '/api/forecasts/runs/{id}',
  'x-permission': 'forecasts:read',
  tags: ['forecasts'],
  summary: 'One run and its progress',
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(ForecastRun, 'The run'), ...problemResponses(404, 422) },
});

export function forecastsRoutes(deps: ForecastRouteDeps) {
  return createRouter()
    .openapi(seriesRoute, async (c) => c.json(await listForecastSeries(deps.db, c.req.valid('query')), 200))
    .openapi(startRunRoute, async (c) => {
      if (!deps.forecasts) throw new UnavailableError('This server has no ClickHouse to read demand from: forecasts cannot run');
      const { run } = await deps.forecasts.start({ trigger: 'manual', requestedBy: c.var.actor?.label ?? null });
      c.set('auditTarget', { type: 'forecast_run', id: run.id });
      return c.json(run, 202);
    })
    .openapi(listRunsRoute, async (c) => c.json({ items: (await listRuns(deps.db, c.req.valid('query').limit)).map(runView) }, 200))
    .openapi(runRoute, async (c) => c.json(runView(await findRun(deps.db, c.req.valid('param').id)), 200));
}

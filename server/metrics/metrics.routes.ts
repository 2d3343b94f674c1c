/** The HTTP side of metrics: `GET /metrics`, and the middleware that times every request. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { createRouter } from '#server/http/router.ts';
import type { Metrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

const metricsRoute = createRoute({
  method: 'get',
  path: METRICS_PATH,
  'x-permission': 'metrics:read',
  tags: ['operations'],
  summary: 'Prometheus metrics of this instance (text exposition format)',
  description: 'For a Prometheus scraper: send an API token holding the role service (or admin) as `Authorization: Bearer <token>`.',
  responses: {
    200: {
      description: 'Every metric of this instance',
      content: { 'text/plain': { schema: z.string().openapi({ example: 'orders_placed_total{channel="web"} 1' }) } },
    },
  },
});

export function metricsRoutes(metrics: Metrics) {
  return createRouter().openapi(metricsRoute, async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }),
  );
}

/** The `route` label of a request that matched no endpoint (404s, or refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The endpoint's pattern (`/api/orders/:id`): the first matched route that is not a
 * middleware (`app.use` registers those with method ALL). Never the raw path, whose ids
 * would make one time series per order.
 */
function routeLabel(c: Context): string {
  return matchedRoutes(c).find((route) => route.method !== 'ALL')?.path ?? UNMATCHED_ROUTE;
}

/**
 * Times every request into `http_request_duration_seconds` and counts the orders that
 * `POST /api/orders` created (201; a repeat answered with 200 created nothing). The channel
 * comes from the request body the route validated, so the domain code stays unaware of metrics.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeLabel(c);
      const status = c.res.status;
      metrics.httpRequestDuration.observe({ method: c.req.method, route, status }, (performance.now() - started) / 1000);
      if (status === 201 && c.req.method === 'POST' && route === '/api/orders') {
        // `valid` is typed by the route's own schema, which a middleware cannot name.
        const request = c.req as unknown as { valid(target: 'json'): { channel?: unknown } | undefined };
        const input = request.valid('json');
        if (typeof input?.channel === 'string') metrics.ordersPlaced.inc({ channel: input.channel });
      }
    }
  };
}

import { createRoute } from '@hono/zod-openapi';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { trackOrder } from './track-order.ts';
import { Tracking, TrackingParams, TrackingQuery } from './tracking.schemas.ts';

const trackRoute = createRoute({
  method: 'get',
  path: '/api/track/{number}',
  'x-permission': 'public',
  tags: ['tracking'],
  summary: "An order's status, timeline and packages for its customer (number + email; a wrong email is a 404 like an unknown number)",
  request: { params: TrackingParams, query: TrackingQuery },
  responses: { 200: jsonContent(Tracking, 'The order as its customer may see it'), ...problemResponses(404, 422) },
});

export function trackingRoutes(deps: RouteDeps) {
  return createRouter().openapi(trackRoute, async (c) => c.json(await trackOrder(deps.db, c.req.valid('param').number, c.req.valid('query').email), 200));
}

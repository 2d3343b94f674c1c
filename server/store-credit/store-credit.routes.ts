import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { findStoreCredit } from './store-credit-queries.ts';
import { StoreCredit } from './store-credit.schemas.ts';

const storeCreditRoute = createRoute({
  method: 'get',
  path: '/api/customers/{email}/store-credit',
  'x-permission': 'store_credit:read',
  tags: ['returns'],
  summary: "A customer's store credit: balance per currency and the ledger, newest first",
  request: { params: z.object({ email: z.string().trim().min(1).max(254) }) },
  responses: { 200: jsonContent(StoreCredit, 'The store credit'), ...problemResponses(404) },
});

export function storeCreditRoutes(deps: RouteDeps) {
  return createRouter().openapi(storeCreditRoute, async (c) => c.json(await findStoreCredit(deps.db, c.req.valid('param').email), 200));
}

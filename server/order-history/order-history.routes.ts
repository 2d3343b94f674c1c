import { createRoute } from '@hono/zod-openapi';
import { mayUseChannel } from '#server/auth/actor.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { itemProblem } from '#server/http/batch-items.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { importOrderHistory } from './import-order-history.ts';
import { ImportOrderHistoryInput, ImportOrderHistoryResult, MAX_HISTORY_ORDERS, type ImportOrderHistoryItemResult } from './order-history.schemas.ts';

const importOrderHistoryRoute = createRoute({
  method: 'post',
  path: '/api/orders/history',
  'x-permission': 'history:write',
  tags: ['orders'],
  summary: 'Import closed orders with their whole history',
  description: [
    `Up to ${MAX_HISTORY_ORDERS} orders that already ended: each the body of \`POST /api/orders\` as \`order\`, its \`idempotencyKey\`, \`placedAt\`,`,
    'and what became of it — `cancelledAt`, or `shipments` (where each left from, its units, when picking started, when it was packed and',
    'shipped, and `deliveredAt` once delivered) and optionally its `return` as far as it got (authorized, received, or resolved). Tower prices each order as of `placedAt`, packs and costs',
    'its shipments by its own rules, and writes the order in its final state with its whole timeline of events at their moments, as if it had',
    'lived here. Imported history moves no stock: stock levels are counted now, not replayed. A parcel imported without `deliveredAt` is',
    'still with its carrier and moves on with its carrier events. Each order succeeds or fails on its own (`results`, with the status',
    '201 imported, 200 imported earlier under the same key, 4xx refused, field paths starting `orders.<index>.`); sending an import again',
    'imports nothing twice. Needs history:write.',
  ].join(' '),
  request: { body: { content: { 'application/json': { schema: ImportOrderHistoryInput } }, required: true } },
  responses: {
    200: jsonContent(ImportOrderHistoryResult, 'The outcome of every order, in request order'),
    ...problemResponses(413, 422),
  },
});

export function orderHistoryRoutes(deps: RouteDeps) {
  return createRouter().openapi(importOrderHistoryRoute, async (c) => {
    const actor = c.var.actor;
    const outcomes = await importOrderHistory(deps, c.req.valid('json').orders, { mayUseChannel: (channel) => mayUseChannel(actor, channel) });
    const results: ImportOrderHistoryItemResult[] = outcomes.map((outcome) => {
      if (!('error' in outcome)) return outcome;
      const problem = itemProblem(outcome.error, 'orders', outcome.index);
      return { index: outcome.index, idempotencyKey: outcome.idempotencyKey, status: problem.status, problem };
    });
    const summary = { orders: results.length, created: 0, repeated: 0, failed: 0 };
    for (const r of results) summary[r.status === 201 ? 'created' : r.status === 200 ? 'repeated' : 'failed'] += 1;
    return c.json({ summary, results }, 200);
  });
}

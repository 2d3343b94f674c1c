import { createRoute } from '@hono/zod-openapi';
import { mayUseChannel } from '#server/auth/actor.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { batchItemScope, itemProblem } from '#server/http/batch-items.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { MAX_BATCH_ORDERS, PlaceOrderBatchInput, PlaceOrderBatchResult, type PlaceOrderBatchItemResult } from './order-batch.schemas.ts';
import { placeOrderBatch, type BatchItemOutcome } from './place-order-batch.ts';

const placeOrderBatchRoute = createRoute({
  method: 'post',
  path: '/api/orders/batch',
  'x-permission': 'orders:create',
  tags: ['orders'],
  summary: 'Place many orders in one request, each on its own',
  description: [
    `Up to ${MAX_BATCH_ORDERS} orders, each the body of \`POST /api/orders\` plus its own \`idempotencyKey\` and optionally \`asOf\`.`,
    'Each order is checked, priced, sourced, paid and written exactly as `POST /api/orders` would, and succeeds or fails on its own:',
    'a refused order writes nothing and never blocks the others. `results` answers every order in request order with the status',
    '`POST /api/orders` would have given (201 placed, 200 a repeat of an earlier request under the same key, 4xx refused) and the order,',
    'or its problem, whose field paths start with `orders.<index>.` (`orders.3.lines.0.quantity`). Sending the batch again places',
    'nothing twice. Orders placed together share statements (group commit), which is what makes a batch cheap.',
  ].join(' '),
  request: { body: { content: { 'application/json': { schema: PlaceOrderBatchInput } }, required: true } },
  responses: {
    200: jsonContent(PlaceOrderBatchResult, 'The outcome of every order, in request order'),
    ...problemResponses(413, 422),
  },
});

export function ordersBatchRoutes(deps: RouteDeps) {
  return createRouter().openapi(placeOrderBatchRoute, async (c) => {
    const actor = c.var.actor;
    const outcomes = await placeOrderBatch(deps, c.req.valid('json').orders, { ...batchItemScope(c), mayUseChannel: (channel) => mayUseChannel(actor, channel) });
    const results = outcomes.map(resultOf);
    const summary = { orders: results.length, created: 0, repeated: 0, failed: 0 };
    for (const r of results) summary[r.status === 201 ? 'created' : r.status === 200 ? 'repeated' : 'failed'] += 1;
    return c.json({ summary, results }, 200);
  });
}

function resultOf(outcome: BatchItemOutcome): PlaceOrderBatchItemResult {
  const { index, idempotencyKey } = outcome;
  if ('order' in outcome) return { index, idempotencyKey, status: outcome.created ? 201 : 200, order: outcome.order };
  const problem = itemProblem(outcome.error, 'orders', index);
  return { index, idempotencyKey, status: problem.status, problem };
}

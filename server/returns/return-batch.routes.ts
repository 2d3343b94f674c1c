import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { batchItemScope, itemProblem } from '#server/http/batch-items.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter, type AppEnv, type RouteDeps } from '#server/http/router.ts';
import { authorizeBatch, receiveBatch, requestBatch, resolveBatch } from './return-batch-commands.ts';
import { MAX_BATCH_RETURNS, ReturnBatchInput, ReturnBatchResult, type ReturnBatchItemResult, type ReturnBatchStep } from './return-batch.schemas.ts';
import { runReturnBatch, type ReturnBatchCommand, type ReturnBatchOutcome } from './run-return-batch.ts';

const single: Record<ReturnBatchStep, string> = {
  request: '`POST /api/returns` (`order`, `lines`, `note`; answered 201)',
  authorize: '`POST /api/returns/{id}/authorize` (no `idempotencyKey`: authorizing twice is refused, 409)',
  receive: '`POST /api/returns/{id}/receive` (`locationId`, `lines` with their dispositions)',
  resolve: '`POST /api/returns/{id}/resolve` (an exchange is placed on its own, after the others)',
};

function batchRoute(step: ReturnBatchStep) {
  return createRoute({
    method: 'post',
    path: `/api/returns/batch/${step}`,
    'x-permission': 'returns:manage',
    tags: ['returns'],
    summary: `The ${step} step of many RMAs in one request, each on its own`,
    description: [
      `Up to ${MAX_BATCH_RETURNS} items, each the body of ${single[step]}${step === 'request' ? '' : ' plus `returnId` (id or RMA number)'},`,
      'optionally with `idempotencyKey` (the single command’s Idempotency-Key: a retried batch acts once) and `asOf` (the moment the step is',
      'dated to; needs history:write like x-tower-as-of). Each item is checked and applied exactly as the single command would (same writes,',
      'events, audit entry) and succeeds or fails on its own: a refused item writes nothing and never blocks the others. `results` answers',
      'every item in request order with the status the single command would have given and the RMA, else its problem, field paths starting',
      '`returns.<index>.`. The items share one transaction, their RMAs and orders locked together, which is what makes a batch cheap.',
    ].join(' '),
    request: { body: { content: { 'application/json': { schema: ReturnBatchInput } }, required: true } },
    responses: { 200: jsonContent(ReturnBatchResult, 'The outcome of every item, in request order'), ...problemResponses(413, 422) },
  });
}

/** Registered before returnsRoutes: `/api/returns/batch/authorize` is this route, not an RMA named "batch". */
export function returnBatchRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(batchRoute('request'), async (c) => c.json(await runBatch(deps, c, requestBatch, c.req.valid('json')), 200))
    .openapi(batchRoute('authorize'), async (c) => c.json(await runBatch(deps, c, authorizeBatch, c.req.valid('json')), 200))
    .openapi(batchRoute('receive'), async (c) => c.json(await runBatch(deps, c, receiveBatch, c.req.valid('json')), 200))
    .openapi(batchRoute('resolve'), async (c) => c.json(await runBatch(deps, c, resolveBatch, c.req.valid('json')), 200));
}

async function runBatch<B, T>(deps: RouteDeps, c: Context<AppEnv>, command: ReturnBatchCommand<B, T>, input: ReturnBatchInput) {
  const outcomes = await runReturnBatch(deps, c.var.actor, command, input.returns, batchItemScope(c, { step: command.step }));
  const results = outcomes.map(resultOf);
  const applied = results.filter((r) => r.status < 300).length;
  return { summary: { returns: results.length, applied, failed: results.length - applied }, results };
}

function resultOf(outcome: ReturnBatchOutcome): ReturnBatchItemResult {
  const { index, returnId } = outcome;
  if ('rma' in outcome) return { index, returnId, status: outcome.status, return: outcome.rma };
  const problem = itemProblem(outcome.error, 'returns', index, 'returnId');
  return { index, returnId, status: problem.status, problem };
}

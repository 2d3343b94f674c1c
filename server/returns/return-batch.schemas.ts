import { z } from '@hono/zod-openapi';
import { BatchItemAsOf } from '#server/http/batch-items.ts';
import { IdempotencyKeyHeader, ProblemSchema } from '#server/http/openapi-responses.ts';
import { Return } from './returns.schemas.ts';

/** Most RMAs one batch carries: a returns desk's day, one transaction of a few statements each. */
export const MAX_BATCH_RETURNS = 500;

export const returnBatchSteps = ['request', 'authorize', 'receive', 'resolve'] as const;
export type ReturnBatchStep = (typeof returnBatchSteps)[number];

/** The envelope only: each item is checked on its own, so one bad item is refused alone. */
export const ReturnBatchInput = z
  .strictObject({
    returns: z
      .array(
        z.record(z.string(), z.unknown()).openapi({
          description:
            'The body of the single command plus its envelope: for request, the body of `POST /api/returns` (`order`, `lines`, `note`); ' +
            'for the others `returnId` (id or RMA number) and the body of `POST /api/returns/{id}/{step}`. Optionally `idempotencyKey` ' +
            '(the Idempotency-Key the single command takes: a retried batch acts once) and `asOf` (an ISO 8601 moment the step is dated to; ' +
            'needs history:write like x-tower-as-of).',
        }),
      )
      .min(1, 'a batch needs at least one return')
      .max(MAX_BATCH_RETURNS, `a batch has at most ${MAX_BATCH_RETURNS} returns`),
  })
  .openapi('ReturnBatchInput');
export type ReturnBatchInput = z.infer<typeof ReturnBatchInput>;

export const ReturnBatchEnvelope = z.object({
  returnId: z.string().trim().min(1, 'is required').max(100).optional(),
  idempotencyKey: IdempotencyKeyHeader.optional(),
  asOf: BatchItemAsOf,
});

export const ReturnBatchItemResult = z.object({
  index: z.number().int().openapi({ description: 'position of the item in the request' }),
  returnId: z.string().nullable().openapi({ description: 'the RMA’s id (for request, the new RMA’s), when known' }),
  status: z.number().int().openapi({ description: 'what the single command would have answered: 201 (request) or 200 with `return`, else 4xx with `problem`' }),
  return: Return.optional().openapi({ description: 'the RMA after the step' }),
  problem: ProblemSchema.optional().openapi({ description: 'why it was refused; field paths start with `returns.<index>.`' }),
});
export type ReturnBatchItemResult = z.infer<typeof ReturnBatchItemResult>;

export const ReturnBatchResult = z
  .object({
    summary: z.object({ returns: z.number().int(), applied: z.number().int(), failed: z.number().int() }),
    results: z.array(ReturnBatchItemResult),
  })
  .openapi('ReturnBatchResult');
export type ReturnBatchResult = z.infer<typeof ReturnBatchResult>;

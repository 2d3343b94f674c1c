import { z } from '@hono/zod-openapi';
import { BatchItemAsOf } from '#server/http/batch-items.ts';
import { IdempotencyKeyHeader, ProblemSchema } from '#server/http/openapi-responses.ts';
import { Order } from './order.schemas.ts';

/** Most orders one batch carries: a few hundred kilobytes of JSON, a few group-committed statements. */
export const MAX_BATCH_ORDERS = 500;

/**
 * The envelope only: each order is checked on its own (PlaceOrderBatchItem), so one bad order
 * is refused with its own problem while the others are placed.
 */
export const PlaceOrderBatchInput = z
  .strictObject({
    orders: z
      .array(
        z.record(z.string(), z.unknown()).openapi({
          description:
            'An order exactly as the body of POST /api/orders (PlaceOrderInput), plus `idempotencyKey` (required, the same rules as the ' +
            'Idempotency-Key header) and `asOf` (optional, an ISO 8601 moment the order is dated to; needs history:write like x-tower-as-of).',
        }),
      )
      .min(1, 'a batch needs at least one order')
      .max(MAX_BATCH_ORDERS, `a batch has at most ${MAX_BATCH_ORDERS} orders`),
  })
  .openapi('PlaceOrderBatchInput');
export type PlaceOrderBatchInput = z.infer<typeof PlaceOrderBatchInput>;

/** What each item of a batch carries besides its order. */
export const BatchItemEnvelope = z.object({
  idempotencyKey: IdempotencyKeyHeader,
  asOf: BatchItemAsOf,
});

export const PlaceOrderBatchItemResult = z.object({
  index: z.number().int().openapi({ description: 'position of the order in the request' }),
  idempotencyKey: z.string().nullable(),
  status: z.number().int().openapi({ description: 'what POST /api/orders would have answered: 201 placed, 200 a repeat of an earlier request, 4xx refused' }),
  order: Order.optional().openapi({ description: 'the order, for 200 and 201' }),
  problem: ProblemSchema.optional().openapi({ description: 'why it was refused; field paths start with `orders.<index>.`' }),
});
export type PlaceOrderBatchItemResult = z.infer<typeof PlaceOrderBatchItemResult>;

export const PlaceOrderBatchResult = z
  .object({
    summary: z.object({ orders: z.number().int(), created: z.number().int(), repeated: z.number().int(), failed: z.number().int() }),
    results: z.array(PlaceOrderBatchItemResult),
  })
  .openapi('PlaceOrderBatchResult');
export type PlaceOrderBatchResult = z.infer<typeof PlaceOrderBatchResult>;

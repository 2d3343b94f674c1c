import { runAsOf } from '#server/core/as-of.ts';
import { itemFieldErrors, itemMoment, type BatchItemScope } from '#server/core/batch-item.ts';
import { DomainError, ForbiddenError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { BatchItemEnvelope } from './order-batch.schemas.ts';
import { PlaceOrderInput, type Order } from './order.schemas.ts';
import { placeOrder } from './place-order.ts';

/** Orders of one batch being placed at once: enough to fill the group-committed statements of order capture. */
const BATCH_CONCURRENCY = 64;

export type BatchItemOutcome =
  | { index: number; idempotencyKey: string | null; order: Order; created: boolean }
  | { index: number; idempotencyKey: string | null; error: DomainError | Error };

/** The shared item scope; each created order is written with its `audit` entry. */
export interface BatchScope extends BatchItemScope {
  mayUseChannel: (channel: string) => boolean;
}

/**
 * Places a batch of orders, each exactly as POST /api/orders would (same checks, same
 * idempotency by its own key, its own moment), and each on its own: one refused order never
 * blocks or half-writes another. Placed concurrently, the orders share the group-committed
 * reads and writes of order capture (OrderContextReader, OrderWriter): a batch of hundreds costs
 * PostgreSQL a few statements, not hundreds.
 */
export async function placeOrderBatch(ctx: ServiceContext, items: readonly Record<string, unknown>[], scope: BatchScope): Promise<BatchItemOutcome[]> {
  return mapBounded(items, BATCH_CONCURRENCY, (item, index) => placeOne(ctx, item, index, scope));
}

async function placeOne(ctx: ServiceContext, item: Record<string, unknown>, index: number, scope: BatchScope): Promise<BatchItemOutcome> {
  const key = typeof item['idempotencyKey'] === 'string' ? item['idempotencyKey'] : null;
  try {
    const { idempotencyKey, asOf, ...body } = item;
    const envelope = BatchItemEnvelope.safeParse({ idempotencyKey, asOf });
    const order = PlaceOrderInput.safeParse(body);
    const errors: FieldError[] = [...(envelope.success ? [] : itemFieldErrors(envelope.error, '(order)')), ...(order.success ? [] : itemFieldErrors(order.error, '(order)'))];
    if (errors.length > 0 || !envelope.success || !order.success) throw new ValidationError(errors);
    if (!scope.mayUseChannel(order.data.channel)) {
      throw new ForbiddenError(`This API token may not create orders on the ${order.data.channel} channel`, [
        { path: 'channel', message: 'is not one of the channels of this API token' },
      ]);
    }
    const moment = itemMoment(envelope.data.asOf, scope.mayDate);
    const place = () => placeOrder(ctx, order.data, { idempotencyKey: envelope.data.idempotencyKey, audit: scope.audit(index, moment) });
    const placed = moment ? await runAsOf(moment, place) : await place();
    return { index, idempotencyKey: key, order: placed.order, created: placed.created };
  } catch (error) {
    if (!(error instanceof DomainError)) ctx.logger.error({ err: error, index, idempotencyKey: key }, 'could not place an order of a batch');
    return { index, idempotencyKey: key, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

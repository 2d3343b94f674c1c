import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '#db/errors.ts';
import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { IdempotencyConflictError, OutOfStockError, ValidationError, type Shortage } from '#server/core/errors.ts';
import { currentAsOf } from '#server/core/as-of.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import type { RequestAudit } from '#server/audit/audit-writer.ts';
import { findIdempotencyKey } from '#server/idempotency/run-idempotent.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { lockStock, type LocatedStock } from '#server/inventory/reserve-stock.ts';
import type { Authorization } from '#server/payments/payment-provider.ts';
import { redeemStoreCredit } from '#server/store-credit/redeem-store-credit.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import type { OrderContext } from './order-context.ts';
import { findOrder, findOrderIdByExternalRef } from './order-queries.ts';
import type { Order, PlaceOrderInput } from './order.schemas.ts';
import { priceInContext } from './pricing.ts';
import { shipmentsToday, sourceOrder, type SourcedOrder } from './source-order.ts';
import { newOrderView, writeOrders, type OrderDraft } from './write-orders.ts';

export interface PlaceOrderOptions {
  idempotencyKey: string;
  /** Written with the order, in the same statement, when the order is created. */
  audit?: RequestAudit | undefined;
}

export interface PlaceOrderResult {
  order: Order;
  /** False when this request repeated an earlier one and got its order back. */
  created: boolean;
}

/** Idempotency keys of order capture live in this scope. */
const SCOPE = 'orders';

/**
 * Captures an order: prices it from the catalog, authorizes the payment, then claims the
 * Idempotency-Key, reserves stock and writes the order, its payment and its events in one
 * statement. Nothing is written when any step fails, and an authorization taken for a
 * failed attempt is voided.
 *
 * Stock is planned from an unlocked read and the write takes units only where they still
 * are (optimistic: two round trips, no lock held while the card is authorized). If another
 * order took them first, the order is planned again under row locks, which always decides.
 */
export async function placeOrder(ctx: ServiceContext, input: PlaceOrderInput, options: PlaceOrderOptions): Promise<PlaceOrderResult> {
  const hash = requestHash(input);
  const placedAt = ctx.clock.now();
  const claim = { scope: SCOPE, key: options.idempotencyKey };

  const reference = await ctx.orderContextReader.read({ input, at: placedAt, idempotency: claim });
  if (reference.priorRequest) return replayOf(ctx, reference.priorRequest, hash);
  if (reference.priorOrder) return repeatOf(ctx, reference.priorOrder, hash, input.externalRef!);

  const priced = priceInContext(input, reference);
  const skus = input.lines.map((line) => line.sku);
  const onlyLocationId = reference.pickupLocation?.id ?? null;
  const source = (stock: readonly LocatedStock[]) =>
    servableSource(input, reference, sourceOrder(input, reference, priced, stock, placedAt, shipmentsToday(ctx.db, placedAt), ctx.sourcingPolicy));
  // Refused before the card is touched when the stock is not there.
  const sourced = source(reference.stock);

  const orderId = randomUUID();
  const lineIds = input.lines.map(() => randomUUID());
  const addressId = randomUUID();
  const storeCreditCents = storeCreditOf(input, priced.totalCents);
  let authorization: Authorization | undefined;
  try {
    const cardCents = priced.totalCents - storeCreditCents;
    if (input.payment.method === 'card' && cardCents > 0) {
      const token = input.payment.token;
      // Keyed by this attempt: a provider replays an authorization for a repeated key, and a
      // concurrent duplicate of this request must get (and void) its own, not this one.
      authorization = await withProviderTimeout(ctx.paymentTimeoutMs, (signal) =>
        ctx.payments.authorize({ amountCents: cardCents, currency: input.currency, token, idempotencyKey: orderId, signal }),
      );
    }
    const draft = ({ plan, decision }: SourcedOrder): OrderDraft => ({
      replan: (stock) => draft(source(onlyLocationId === null ? stock : stock.filter((s) => s.locationId === onlyLocationId))),
      orderId,
      lineIds,
      addressId,
      input,
      reference,
      priced,
      plan,
      sourcing: decision,
      status: plan.shortByLine.size > 0 ? 'backordered' : 'allocated',
      placedAt,
      requestHash: hash,
      authorization,
      provider: ctx.payments.name,
      storeCreditCents,
      claim,
      audit: options.audit,
      replayable: currentAsOf() !== undefined,
    });

    // Under row locks the stock read decides; store credit is spent in the same transaction, so
    // both succeed or neither does.
    const writeLocked = () =>
      ctx.db.transaction(async (tx) => {
        const locked = draft(source(await lockStock(tx, skus, onlyLocationId)));
        const number = (await writeOrders(tx, [locked])).get(orderId);
        if (number === undefined) return null;
        if (storeCreditCents > 0) {
          const path = input.payment.method === 'store_credit' ? 'payment.method' : 'payment.storeCreditCents';
          await redeemOrderCredit(tx, { orderId, amountCents: storeCreditCents, currency: input.currency, occurredAt: placedAt, path });
        }
        return { draft: locked, number };
      });

    let written: { draft: OrderDraft; number: string } | null;
    if (storeCreditCents > 0) {
      // Not through the shared statements of order capture: the redemption must join the write.
      written = await writeLocked();
    } else {
      // Planned again under lock by the writer itself when the units moved (OrderWriter).
      const outcome = await ctx.orderWriter.write(draft(sourced));
      written = outcome.number === null ? null : { draft: outcome.draft, number: outcome.number };
    }
    if (written) return { order: newOrderView(written.draft, written.number), created: true };

    // A concurrent request with the same key won the claim.
    if (authorization) await voidQuietly(ctx, authorization);
    authorization = undefined;
    const prior = await findIdempotencyKey(ctx.db, claim);
    if (!prior) throw new Error('idempotency key vanished after its claim was refused');
    return replayOf(ctx, { requestHash: prior.requestHash, orderId: (prior.result as { orderId: string }).orderId }, hash);
  } catch (error) {
    if (authorization) await voidQuietly(ctx, authorization);
    if (input.externalRef && isExternalRefClash(error)) {
      const existing = await findOrderIdByExternalRef(ctx.db, input.channel, input.externalRef);
      if (existing) return repeatOf(ctx, { id: existing.id, requestHash: existing.request_hash }, hash, input.externalRef);
    }
    throw error;
  }
}

/** Short lines are fine only where the channel takes backorders and the product may wait. */
function unservable(input: PlaceOrderInput, reference: OrderContext, plan: AllocationPlan): { shortages: Shortage[]; paths: string[] } {
  const shortages: Shortage[] = [];
  const paths: string[] = [];
  for (const [lineIndex, short] of plan.shortByLine) {
    const line = input.lines[lineIndex]!;
    const mayWait = reference.allowBackorder && reference.products.get(line.sku)?.backorderable === true;
    if (!mayWait) {
      shortages.push({ sku: line.sku, requested: line.quantity, available: line.quantity - short });
      paths.push(`lines.${lineIndex}.quantity`);
    }
  }
  return { shortages, paths };
}

/** The sourcing, unless it leaves a line short that may not wait: then the order is refused. */
function servableSource(input: PlaceOrderInput, reference: OrderContext, sourced: SourcedOrder): SourcedOrder {
  const { shortages, paths } = unservable(input, reference, sourced.plan);
  if (shortages.length > 0) throw new OutOfStockError(shortages, paths);
  return sourced;
}

/** Store credit the order spends: all of it for `store_credit`, the part asked for with a card. */
function storeCreditOf(input: PlaceOrderInput, totalCents: number): number {
  if (input.payment.method === 'store_credit') return totalCents;
  if (input.payment.method !== 'card' || input.payment.storeCreditCents === undefined) return 0;
  if (input.payment.storeCreditCents > totalCents) {
    throw ValidationError.field('payment.storeCreditCents', `is more than the order's total of ${totalCents} cents`);
  }
  return input.payment.storeCreditCents;
}

/** Takes the credit from the customer's balance (a 422 naming `path` when it does not cover it). */
async function redeemOrderCredit(
  tx: Executor,
  credit: { orderId: string; amountCents: number; currency: string; occurredAt: Date; path: string },
): Promise<void> {
  const { rows } = await tx.execute<{ customer_id: string }>(sql`select customer_id from orders where id = ${credit.orderId}`);
  await redeemStoreCredit(tx, { ...credit, customerId: rows[0]!.customer_id });
}

async function replayOf(ctx: ServiceContext, prior: { requestHash: string; orderId: string }, hash: string): Promise<PlaceOrderResult> {
  if (prior.requestHash !== hash) throw new IdempotencyConflictError('This Idempotency-Key was already used with a different request body');
  const order = await findOrder(ctx.db, prior.orderId);
  if (!order) throw new Error(`order ${prior.orderId} vanished`);
  return { order, created: false };
}

async function repeatOf(ctx: ServiceContext, existing: { id: string; requestHash: string }, hash: string, externalRef: string): Promise<PlaceOrderResult> {
  if (existing.requestHash !== hash) {
    throw new IdempotencyConflictError(`externalRef ${externalRef} already belongs to a different order on this channel`);
  }
  const order = await findOrder(ctx.db, existing.id);
  if (!order) throw new Error(`order ${existing.id} vanished`);
  return { order, created: false };
}

function isExternalRefClash(error: unknown): boolean {
  return isUniqueViolation(error, 'orders_external_ref_channel_key');
}

async function voidQuietly(ctx: ServiceContext, authorization: Authorization): Promise<void> {
  try {
    await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.void(authorization.authorizationId));
  } catch (error) {
    // The authorization lapses at the provider on its own; log it so finance can follow up.
    ctx.logger.error({ err: error, authorizationId: authorization.authorizationId }, 'could not void the authorization of a failed order');
  }
}

import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '#db/errors.ts';
import { IdempotencyConflictError, OutOfStockError, type Shortage } from '#server/core/errors.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runIdempotent } from '#server/idempotency/run-idempotent.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { lockAndPlanReservation } from '#server/inventory/reserve-stock.ts';
import type { Authorization } from '#server/payments/payment-provider.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import { loadOrderContext, type OrderContext } from './load-order-context.ts';
import { findOrder, findOrderIdByExternalRef } from './order-queries.ts';
import type { Order, PlaceOrderInput } from './order.schemas.ts';
import { priceOrder } from './pricing.ts';
import { insertOrder, newOrderView, type OrderDraft } from './write-order.ts';

export interface PlaceOrderOptions {
  idempotencyKey: string;
}

export interface PlaceOrderResult {
  order: Order;
  /** False when this request repeated an earlier one and got its order back. */
  created: boolean;
}

/**
 * Captures an order: prices it from the catalog, authorizes the payment, reserves stock and
 * writes the order, its payment and its events in one transaction. Nothing is written when
 * any step fails, and an authorization taken for a failed attempt is voided.
 */
export async function placeOrder(ctx: ServiceContext, input: PlaceOrderInput, options: PlaceOrderOptions): Promise<PlaceOrderResult> {
  const hash = requestHash(input);
  const placedAt = ctx.clock.now();

  if (input.externalRef) {
    const existing = await findOrderIdByExternalRef(ctx.db, input.channel, input.externalRef);
    if (existing) return repeatOf(ctx, existing, hash, input.externalRef);
  }

  const reference = await loadOrderContext(ctx.db, input, placedAt);
  const priced = priceOrder({
    currency: input.currency,
    lines: input.lines.map((line) => ({ product: reference.products.get(line.sku)!, quantity: line.quantity })),
    promotions: reference.promotions,
    taxRatePpm: reference.taxRatePpm,
    shippingRate: reference.shippingRate,
  });
  // Cheap unlocked check first, so an order that cannot be served never touches the card.
  refuseUnservableShortages(input, reference);

  const orderId = randomUUID();
  let authorization: Authorization | undefined;
  try {
    const outcome = await runIdempotent<{ orderId: string; view?: Order }>(
      ctx.db,
      { scope: 'orders', key: options.idempotencyKey, requestHash: hash },
      async (tx) => {
        if (input.payment.method === 'card' && priced.totalCents > 0) {
          const token = input.payment.token;
          authorization = await withProviderTimeout(ctx.paymentTimeoutMs, (signal) =>
            ctx.payments.authorize({ amountCents: priced.totalCents, currency: input.currency, token, idempotencyKey: options.idempotencyKey, signal }),
          );
        }
        // Stock is locked only after the payment answered, so a slow provider never holds it.
        const plan = await lockAndPlanReservation(tx, {
          lines: input.lines.map((line, lineIndex) => ({ lineIndex, sku: line.sku, quantity: line.quantity })),
          destination: destinationOf(input, reference),
          onlyLocationId: reference.pickupLocation?.id ?? null,
        });
        const refused = unservable(input, reference, plan);
        if (refused.shortages.length > 0) throw new OutOfStockError(refused.shortages, refused.paths);
        const draft: OrderDraft = {
          orderId,
          lineIds: input.lines.map(() => randomUUID()),
          input,
          reference,
          priced,
          plan,
          status: plan.shortByLine.size > 0 ? 'backordered' : 'allocated',
          placedAt,
          requestHash: hash,
          authorization,
          provider: ctx.payments.name,
        };
        const { number } = await insertOrder(tx, draft);
        return { orderId, view: newOrderView(draft, number) };
      },
      { knownResult: { orderId } },
    );
    if (!outcome.replayed && outcome.result.view) return { order: outcome.result.view, created: true };
    const order = await findOrder(ctx.db, outcome.result.orderId);
    if (!order) throw new Error(`order ${outcome.result.orderId} vanished after commit`);
    return { order, created: false };
  } catch (error) {
    if (authorization) await voidQuietly(ctx, authorization);
    if (input.externalRef && isExternalRefClash(error)) {
      const existing = await findOrderIdByExternalRef(ctx.db, input.channel, input.externalRef);
      if (existing) return repeatOf(ctx, existing, hash, input.externalRef);
    }
    throw error;
  }
}

function destinationOf(input: PlaceOrderInput, reference: OrderContext) {
  if (reference.pickupLocation) return reference.pickupLocation;
  const address = input.shippingAddress;
  return address?.lat !== undefined && address.lon !== undefined ? { lat: address.lat, lon: address.lon } : null;
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

function refuseUnservableShortages(input: PlaceOrderInput, reference: OrderContext): void {
  const shortByLine = new Map<number, number>();
  input.lines.forEach((line, i) => {
    const short = line.quantity - (reference.availableBySku.get(line.sku) ?? 0);
    if (short > 0) shortByLine.set(i, short);
  });
  const { shortages, paths } = unservable(input, reference, { allocations: [], shortByLine });
  if (shortages.length > 0) throw new OutOfStockError(shortages, paths);
}

async function repeatOf(ctx: ServiceContext, existing: { id: string; request_hash: string }, hash: string, externalRef: string): Promise<PlaceOrderResult> {
  if (existing.request_hash !== hash) {
    throw new IdempotencyConflictError(`externalRef ${externalRef} already belongs to a different order on this channel`);
  }
  const order = await findOrder(ctx.db, existing.id);
  if (!order) throw new Error(`order ${existing.id} vanished`);
  return { order, created: false };
}

function isExternalRefClash(error: unknown): boolean {
  return isUniqueViolation(error, 'orders_channel_external_ref_key');
}

async function voidQuietly(ctx: ServiceContext, authorization: Authorization): Promise<void> {
  try {
    await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.void(authorization.authorizationId));
  } catch (error) {
    // The authorization lapses at the provider on its own; log it so finance can follow up.
    ctx.logger.error({ err: error, authorizationId: authorization.authorizationId }, 'could not void the authorization of a failed order');
  }
}

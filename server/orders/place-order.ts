import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { addresses, customers } from '#db/schema/customers.ts';
import { orderLines, orders } from '#db/schema/orders.ts';
import { payments } from '#db/schema/payments.ts';
import { IdempotencyConflictError, OutOfStockError, type Shortage } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runIdempotent } from '#server/idempotency/run-idempotent.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { insertAllocations, reserveStock } from '#server/inventory/reserve-stock.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import type { Authorization } from '#server/payments/payment-provider.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import { loadOrderContext, type OrderContext } from './load-order-context.ts';
import { findOrder, findOrderIdByExternalRef } from './order-queries.ts';
import type { Order, PlaceOrderInput } from './order.schemas.ts';
import { priceOrder, type PricedOrder } from './pricing.ts';

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

  let authorization: Authorization | undefined;
  try {
    const outcome = await runIdempotent(ctx.db, { scope: 'orders', key: options.idempotencyKey, requestHash: hash }, async (tx) => {
      if (input.payment.method === 'card' && priced.totalCents > 0) {
        const token = input.payment.token;
        authorization = await withProviderTimeout(ctx.paymentTimeoutMs, (signal) =>
          ctx.payments.authorize({ amountCents: priced.totalCents, currency: input.currency, token, idempotencyKey: options.idempotencyKey, signal }),
        );
      }
      const orderId = await writeOrder(tx, { input, reference, priced, placedAt, hash, authorization, provider: ctx.payments.name });
      return { orderId };
    });
    const order = await findOrder(ctx.db, outcome.result.orderId);
    if (!order) throw new Error(`order ${outcome.result.orderId} vanished after commit`);
    return { order, created: !outcome.replayed };
  } catch (error) {
    if (authorization) await voidQuietly(ctx, authorization);
    if (input.externalRef && isExternalRefClash(error)) {
      const existing = await findOrderIdByExternalRef(ctx.db, input.channel, input.externalRef);
      if (existing) return repeatOf(ctx, existing, hash, input.externalRef);
    }
    throw error;
  }
}

interface WriteOrder {
  input: PlaceOrderInput;
  reference: OrderContext;
  priced: PricedOrder;
  placedAt: Date;
  hash: string;
  authorization: Authorization | undefined;
  provider: string;
}

async function writeOrder(tx: Transaction, w: WriteOrder): Promise<string> {
  const { input, reference, priced, placedAt } = w;
  const orderId = randomUUID();
  const lineIds = input.lines.map(() => randomUUID());

  const [customer] = await tx
    .insert(customers)
    .values({ email: input.customer.email, name: input.customer.name })
    .onConflictDoUpdate({ target: customers.email, set: { name: input.customer.name, updatedAt: sql`now()` } })
    .returning({ id: customers.id });
  if (!customer) throw new Error('customer upsert returned nothing');
  let shippingAddressId: string | null = null;
  if (input.shippingAddress) {
    const [address] = await tx
      .insert(addresses)
      .values({ customerId: customer.id, ...input.shippingAddress })
      .returning({ id: addresses.id });
    shippingAddressId = address?.id ?? null;
  }

  const destination =
    reference.pickupLocation ??
    (input.shippingAddress?.lat !== undefined && input.shippingAddress.lon !== undefined
      ? { lat: input.shippingAddress.lat, lon: input.shippingAddress.lon }
      : null);
  const plan = await reserveStock(tx, {
    orderId,
    lines: input.lines.map((line, lineIndex) => ({ lineIndex, sku: line.sku, quantity: line.quantity })),
    destination,
    onlyLocationId: reference.pickupLocation?.id ?? null,
    occurredAt: placedAt,
  });
  const shortages = unservable(input, reference, plan);
  if (shortages.shortages.length > 0) throw new OutOfStockError(shortages.shortages, shortages.paths);
  const status = plan.shortByLine.size > 0 ? 'backordered' : 'allocated';

  await tx.insert(orders).values({
    id: orderId,
    channel: input.channel,
    externalRef: input.externalRef ?? null,
    customerId: customer.id,
    shippingAddressId,
    status,
    currency: input.currency,
    subtotalCents: priced.subtotalCents,
    discountCents: priced.discountCents,
    taxCents: priced.taxCents,
    shippingCents: priced.shippingCents,
    totalCents: priced.totalCents,
    deliveryMethod: input.delivery.method,
    deliveryService: input.delivery.service,
    pickupLocationId: reference.pickupLocation?.id ?? null,
    promotionCode: input.promotionCode ?? null,
    requestHash: w.hash,
    placedAt,
    createdAt: placedAt,
    updatedAt: placedAt,
  });
  await tx.insert(orderLines).values(
    priced.lines.map((line, i) => {
      const product = reference.products.get(line.sku)!;
      return {
        id: lineIds[i],
        orderId,
        lineNo: i + 1,
        sku: line.sku,
        name: product.name,
        category: product.category,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
        discountCents: line.discountCents,
        taxCents: line.taxCents,
        backorderedQuantity: plan.shortByLine.get(i) ?? 0,
      };
    }),
  );
  await insertAllocations(tx, orderId, lineIds, plan);

  if (w.authorization || input.payment.method === 'invoice') {
    await tx.insert(payments).values({
      orderId,
      provider: input.payment.method === 'invoice' ? 'invoice' : w.provider,
      method: input.payment.method,
      status: input.payment.method === 'invoice' ? 'pending_invoice' : 'authorized',
      currency: input.currency,
      authorizedCents: w.authorization?.amountCents ?? 0,
      providerRef: w.authorization?.authorizationId ?? null,
      createdAt: placedAt,
      updatedAt: placedAt,
    });
  }
  await appendEvents(tx, orderPlacedEvents(orderId, w, plan, status));
  return orderId;
}

function orderPlacedEvents(orderId: string, w: WriteOrder, plan: AllocationPlan, status: 'allocated' | 'backordered'): NewEvent[] {
  const { input, reference, priced, placedAt } = w;
  const base = { aggregateType: 'order' as const, aggregateId: orderId, occurredAt: placedAt };
  const allocations = plan.allocations.map((a) => ({ sku: a.sku, locationId: a.locationId, quantity: a.quantity }));
  const events: NewEvent[] = [
    {
      ...base,
      type: EventType.orderPlaced,
      payload: {
        channel: input.channel,
        currency: input.currency,
        totals: {
          subtotal: priced.subtotalCents,
          discount: priced.discountCents,
          tax: priced.taxCents,
          shipping: priced.shippingCents,
          total: priced.totalCents,
        },
        lines: priced.lines.map((l) => ({ ...l, category: reference.products.get(l.sku)?.category ?? '' })),
        promotions: priced.appliedPromotions,
        delivery: input.delivery,
        destination: input.shippingAddress
          ? { country: input.shippingAddress.country, region: input.shippingAddress.region, postalCode: input.shippingAddress.postalCode }
          : null,
      },
    },
  ];
  if (w.authorization) {
    events.push({
      ...base,
      type: EventType.paymentAuthorized,
      payload: { amountCents: w.authorization.amountCents, currency: w.authorization.currency, provider: w.provider },
    });
  }
  if (status === 'allocated') {
    events.push({ ...base, type: EventType.orderAllocated, payload: { channel: input.channel, allocations } });
  } else {
    const backordered = [...plan.shortByLine].map(([lineIndex, quantity]) => ({ sku: input.lines[lineIndex]?.sku, quantity }));
    events.push({ ...base, type: EventType.orderBackordered, payload: { channel: input.channel, allocations, backordered } });
  }
  return events;
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

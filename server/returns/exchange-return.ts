import { Address, PlaceOrderInput } from '#server/orders/order.schemas.ts';
import { cancelOrder } from '#server/orders/cancel-order.ts';
import { findOrder } from '#server/orders/order-queries.ts';
import { placeOrder } from '#server/orders/place-order.ts';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import { resolveReturn } from './resolve-return.ts';
import type { Return, ResolveReturnInput } from './returns.schemas.ts';

type ExchangeInput = Extract<ResolveReturnInput, { kind: 'exchange' }>;

/**
 * Resolves an RMA with an exchange: a new order for the replacement lines is placed through
 * order capture (same customer, channel, currency and delivery; paid with the card given),
 * then the returned units' value goes back to the original payment and the RMA is linked to
 * the new order. Net, the customer pays the difference or gets it back. The new order is
 * cancelled if the resolution fails (the RMA was resolved meanwhile, or the refund did not fit).
 */
export async function exchangeReturn(
  ctx: ServiceContext,
  idOrNumber: string,
  input: ExchangeInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<Return> {
  const rma = await findReturn(ctx.db, idOrNumber);
  if (!rma) throw new NotFoundError(`Return ${idOrNumber}`);
  assertReturnTransition(rma.status, 'resolved');
  const original = await findOrder(ctx.db, rma.orderId, { withEvents: false });
  if (!original) throw new NotFoundError(`Order ${rma.orderId}`);

  const address = input.shippingAddress ?? (original.shippingAddress ? Address.parse(withoutNulls(original.shippingAddress)) : undefined);
  const parsed = PlaceOrderInput.safeParse({
    channel: original.channel,
    customer: original.customer,
    ...(address ? { shippingAddress: address } : {}),
    lines: input.lines,
    delivery: {
      method: original.delivery.method,
      service: original.delivery.service,
      ...(original.delivery.pickupLocationId ? { pickupLocationId: original.delivery.pickupLocationId } : {}),
    },
    payment: input.payment,
    currency: original.currency,
  });
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'lines', message: i.message })));

  // A client retry (same key) gets the same new order; without a key each attempt is its own,
  // and the attempt that loses the race for the RMA cancels its order below.
  const key = options.idempotencyKey ? `exchange-${rma.id}-${options.idempotencyKey}` : randomUUID();
  const { order } = await placeOrder(ctx, parsed.data, { idempotencyKey: key });
  if (order.status === 'cancelled') {
    throw new ConflictError('The exchange order of an earlier attempt with this Idempotency-Key was cancelled; retry with a new key', [
      { path: 'Idempotency-Key', message: 'belongs to a failed exchange' },
    ]);
  }
  try {
    return await resolveReturn(ctx, rma.id, input, { exchange: { id: order.id, totalCents: order.totals.total } });
  } catch (error) {
    const now = await findReturn(ctx.db, rma.id);
    if (now?.exchangeOrderId !== order.id) await cancelOrder(ctx, order.id, { reason: `exchange for return ${rma.number} not completed` }).catch(() => undefined);
    throw error;
  }
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
}

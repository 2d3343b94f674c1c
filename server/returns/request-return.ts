import { eq, sql } from 'drizzle-orm';
import { orders } from '#db/schema/orders.ts';
import { returnLines, returns } from '#db/schema/returns.ts';
import { InvalidTransitionError, NotFoundError, ValidationError, type FieldError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { requestHash } from '#server/core/request-hash.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { lockOrder, type LockedOrder } from '#server/orders/lock-order.ts';
import { canTransition } from '#server/orders/order-status.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import { returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { returnableLines } from './returnable-lines.ts';
import { returnDeadline, returnWindows } from './return-window.ts';
import { runStep, singleWork, type PreparedStep, type ReturnWork } from './return-step.ts';
import type { CustomerReturnInput, Return } from './returns.schemas.ts';

/** An order whose units are out with the customer: delivered, or already partly on an RMA. */
const RETURNABLE_ORDER: readonly OrderStatus[] = ['delivered', 'return_requested', 'returned'];

export interface ReturnRequest extends CustomerReturnInput {
  /** Order id or number. */
  order: string;
  requestedBy: 'staff' | 'customer';
}

/**
 * Opens an RMA for delivered units of one order: each line's units must have been delivered,
 * not already be on another RMA, and still be within their category's return window counted
 * from their delivery. The order becomes return_requested.
 */
export async function requestReturn(ctx: ServiceContext, input: ReturnRequest, options: { idempotencyKey?: string | undefined } = {}): Promise<Return> {
  const occurredAt = ctx.clock.now();
  const { result: returnId } = await runCommand(ctx.db, { scope: REQUEST_SCOPE, key: options.idempotencyKey, requestHash: requestHash(input) }, async (tx) => {
    const work = singleWork(ctx, tx, occurredAt);
    return (await runStep(work, prepareRequest(work, await lockOrder(tx, input.order), input))).returnId;
  });
  return (await findReturn(ctx.db, returnId))!;
}

/** The idempotency scope of RMA requests: a batch item's key is the single request's. */
export const REQUEST_SCOPE = 'returns.request';

/** Checks a request against the locked order (see requestReturn); writing opens the RMA. */
export async function prepareRequest(work: ReturnWork, order: LockedOrder, input: ReturnRequest): Promise<PreparedStep> {
  const { tx, occurredAt } = work;
  if (!RETURNABLE_ORDER.includes(order.status)) throw new InvalidTransitionError(order.status, 'return_requested');
  const [customer] = await tx.select({ customerId: orders.customerId }).from(orders).where(eq(orders.id, order.id));

  const lines = await returnableLines(tx, order.id);
  const windows = await returnWindows(tx, [...new Set([...lines.values()].map((l) => l.category))]);
  const errors: FieldError[] = [];
  input.lines.forEach((line, i) => {
    const have = lines.get(line.sku);
    if (!have) return errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is not on order ${input.order}` });
    if (have.delivered === 0 || !have.deliveredAt) {
      return errors.push({ path: `lines.${i}.quantity`, message: `no unit of ${line.sku} has been delivered yet` });
    }
    const left = have.delivered - have.onReturn;
    if (line.quantity > left) {
      errors.push({ path: `lines.${i}.quantity`, message: `only ${left} of the ${have.delivered} delivered units of ${line.sku} can still be returned` });
    }
    const windowDays = windows.get(have.category)!;
    const deadline = returnDeadline(have.deliveredAt, windowDays);
    if (occurredAt > deadline) {
      errors.push({ path: `lines.${i}.sku`, message: `the ${windowDays}-day return window for ${have.category} ended at ${deadline.toISOString()}` });
    }
    return undefined;
  });
  if (errors.length > 0) throw new ValidationError(errors);

  return async () => {
    const [rma] = await tx
      .insert(returns)
      .values({
        orderId: order.id,
        customerId: customer!.customerId,
        status: 'requested',
        requestedBy: input.requestedBy,
        note: input.note ?? null,
        currency: order.currency,
        requestedAt: occurredAt,
        createdAt: occurredAt,
        updatedAt: occurredAt,
      })
      .returning({ id: returns.id, number: returns.number });
    const rows = input.lines.map((line) => {
      const have = lines.get(line.sku)!;
      return { returnId: rma!.id, orderLineId: have.orderLineId, sku: line.sku, category: have.category, quantity: line.quantity, reason: line.reason, reasonNote: line.note ?? null };
    });
    await tx.insert(returnLines).values(rows);

    const from = order.status;
    const to: OrderStatus = canTransition(from, 'return_requested') ? 'return_requested' : from;
    if (to !== from) {
      await tx.update(orders).set({ status: to, updatedAt: occurredAt }).where(eq(orders.id, order.id));
      order.status = to;
    }
    const facts = await work.facts(order.id);
    const event = returnEvent(EventType.returnRequested, order.id, occurredAt, {
      channel: facts.channel,
      destination: facts.destination,
      returnId: rma!.id,
      rmaNumber: rma!.number,
      requestedBy: input.requestedBy,
      from,
      to,
      lines: rows.map((r) => ({
        sku: r.sku,
        category: r.category,
        quantity: r.quantity,
        reason: r.reason,
        deliveredAt: lines.get(r.sku)!.deliveredAt!.toISOString(),
      })),
    });
    return { returnId: rma!.id, events: [event], restocked: [] };
  };
}

/**
 * The customer's own request from the tracking page: the email must be the order's. A wrong
 * email gets exactly the answer an unknown number gets, so numbers cannot be probed.
 */
export async function requestCustomerReturn(
  ctx: ServiceContext,
  orderNumber: string,
  email: string,
  input: CustomerReturnInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<Return> {
  await assertOrderOwner(ctx, orderNumber, email);
  return requestReturn(ctx, { ...input, order: orderNumber, requestedBy: 'customer' }, options);
}

/** The tracking page's check: the email must be the order's; anything else is the 404 of an unknown number. */
export async function assertOrderOwner(ctx: Pick<ServiceContext, 'db'>, orderNumber: string, email: string): Promise<void> {
  const result = await ctx.db.execute<{ email: string }>(
    sql`select c.email from orders o join customers c on c.id = o.customer_id where o.number = ${orderNumber}`,
  );
  const owner = result.rows[0]?.email;
  if (!owner || email.length === 0 || owner !== email.trim().toLowerCase()) throw new NotFoundError(`Order ${orderNumber}`);
}

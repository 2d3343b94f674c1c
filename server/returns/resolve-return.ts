import { eq, sql } from 'drizzle-orm';
import { returns } from '#db/schema/returns.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { requestHash } from '#server/core/request-hash.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { refundOrderPayments } from '#server/payments/refund-order-payments.ts';
import { issueStoreCredit } from '#server/store-credit/issue-store-credit.ts';
import { lockReturn } from './lock-return.ts';
import { returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import { runStep, singleWork, type LockedTarget, type PreparedStep, type ReturnWork } from './return-step.ts';
import { returnValue } from './return-value.ts';
import type { Return, ResolveReturnInput } from './returns.schemas.ts';
import { settleOrderStatus } from './settle-order-status.ts';

/** What an exchange placed before its RMA was resolved (see exchange-return.ts). */
export interface ExchangeOrder {
  id: string;
  totalCents: number;
}

/**
 * Settles an RMA for the units it brought back (see return-value.ts): a refund to the original
 * payment through the provider, store credit, or (with `exchange`) a refund beside the new
 * order that the customer paid for, so that together they charge or pay back the difference.
 * Shipping is paid back only when `includeShipping` says so, once per order. The RMA row and
 * the payment rows are locked: a second resolution waits and then finds the RMA resolved (409).
 */
export async function resolveReturn(
  ctx: ServiceContext,
  idOrNumber: string,
  input: ResolveReturnInput,
  options: { idempotencyKey?: string | undefined; exchange?: ExchangeOrder | undefined } = {},
): Promise<Return> {
  const occurredAt = ctx.clock.now();
  const idempotency = { scope: RESOLVE_SCOPE, key: options.idempotencyKey, requestHash: requestHash({ idOrNumber, input }) };
  const { result: id } = await runCommand(ctx.db, idempotency, async (tx) => {
    const work = singleWork(ctx, tx, occurredAt);
    return (await runStep(work, prepareResolve(work, await lockReturn(tx, idOrNumber), input, options.exchange))).returnId;
  });
  return (await findReturn(ctx.db, id))!;
}

/** The idempotency scope of resolutions; its remembered result is the RMA's id. */
export const RESOLVE_SCOPE = 'returns.resolve';

/** Checks that the locked RMA may be settled (see resolveReturn); writing pays it out. */
export async function prepareResolve(work: ReturnWork, { rma, order }: LockedTarget, input: ResolveReturnInput, exchange?: ExchangeOrder): Promise<PreparedStep> {
  assertReturnTransition(rma.status, 'resolved');
  return async () => {
    const { ctx, tx, occurredAt } = work;
    const value = await returnValue(tx, rma.id, rma.orderId);
    const shippingCents = input.kind !== 'exchange' && input.includeShipping ? value.shippingLeftCents : 0;
    const dueCents = value.goodsCents + shippingCents;
    const facts = await work.facts(rma.orderId);

    const events: NewEvent[] = [];
    let refundedCents = 0;
    let storeCreditCents = 0;
    if (input.kind === 'store_credit') {
      if (dueCents > 0) {
        await issueStoreCredit(tx, { customerId: rma.customerId, amountCents: dueCents, currency: rma.currency, orderId: rma.orderId, returnId: rma.id, occurredAt, note: `return ${rma.number}` });
      }
      storeCreditCents = dueCents;
    } else {
      events.push(...(await refundOrderPayments(ctx, tx, { orderId: rma.orderId, amountCents: dueCents, occurredAt, facts: { channel: facts.channel, returnId: rma.id } })));
      refundedCents = dueCents;
    }

    const [times] = await tx
      .update(returns)
      .set({
        status: 'resolved',
        resolution: input.kind,
        refundedCents,
        shippingRefundedCents: shippingCents,
        storeCreditCents,
        exchangeOrderId: exchange?.id ?? null,
        note: input.note ? sql`coalesce(${returns.note} || E'\n', '') || ${input.note}` : returns.note,
        resolvedAt: occurredAt,
        closedAt: occurredAt,
        updatedAt: occurredAt,
      })
      .where(eq(returns.id, rma.id))
      .returning({ requestedAt: returns.requestedAt, receivedAt: returns.receivedAt });
    rma.status = 'resolved';
    // Units never sent back are given up with the resolution: the order may now be returned.
    const orderStatus = await settleOrderStatus(tx, order, occurredAt);
    events.push(
      returnEvent(EventType.returnResolved, rma.orderId, occurredAt, {
        channel: facts.channel,
        destination: facts.destination,
        returnId: rma.id,
        rmaNumber: rma.number,
        kind: input.kind,
        units: value.units,
        currency: rma.currency,
        goodsValueCents: value.goodsCents,
        refundedCents,
        shippingRefundedCents: shippingCents,
        storeCreditCents,
        exchangeOrderId: exchange?.id ?? null,
        exchangeTotalCents: exchange?.totalCents ?? null,
        // Positive: the customer paid more for the exchange than the return was worth.
        differenceCents: exchange ? exchange.totalCents - dueCents : null,
        requestedAt: times!.requestedAt.toISOString(),
        receivedAt: times!.receivedAt?.toISOString() ?? null,
        resolvedAt: occurredAt.toISOString(),
        orderStatus,
      }),
    );
    return { returnId: rma.id, events, restocked: [] };
  };
}

import { eq, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { inventoryLedger, inventoryLevels } from '#db/schema/inventory.ts';
import { locations } from '#db/schema/locations.ts';
import { returnLines, returns } from '#db/schema/returns.ts';
import { ForbiddenError, ValidationError, type FieldError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { mayUseLocation, type Actor } from '#server/auth/actor.ts';
import type { ServiceContext } from '#server/context.ts';
import { requestHash } from '#server/core/request-hash.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { allocateBackordersOf } from '#server/orders/allocate-backorders.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { lockReturn } from './lock-return.ts';
import { returnEvent } from './return-events.ts';
import { findReturn } from './return-queries.ts';
import { assertReturnTransition } from './return-status.ts';
import { runStep, singleWork, type LockedTarget, type PreparedStep, type ReturnWork } from './return-step.ts';
import type { ReceiveReturnInput, Return } from './returns.schemas.ts';
import { settleOrderStatus } from './settle-order-status.ts';

/** The inventory ledger note of a restock, beside its reason `return`. */
export const RESTOCK_NOTE = 'return_restock';

interface StoredLine {
  id: string;
  sku: string;
  category: string;
  quantity: number;
  reason: string;
  receivedQuantity: number;
}

/**
 * Goods of an RMA arrive at a location and are inspected there: each received unit gets its
 * disposition, and restocked units go back on hand at that location with their ledger row, in
 * the same transaction. Receipts may come in parts; the RMA is `inspected` (and the order
 * `returned`) once every requested unit is in.
 */
export async function receiveReturn(
  ctx: ServiceContext,
  idOrNumber: string,
  input: ReceiveReturnInput,
  options: { idempotencyKey?: string | undefined; actor?: Actor | null } = {},
): Promise<Return> {
  // Staff limited to some locations receive only there, as they pick and pack only there.
  if (options.actor !== undefined && !mayUseLocation(options.actor, input.locationId)) {
    throw new ForbiddenError('You may only receive returns at your own locations', [{ path: 'locationId', message: 'is not one of your locations' }]);
  }
  const occurredAt = ctx.clock.now();
  const idempotency = { scope: RECEIVE_SCOPE, key: options.idempotencyKey, requestHash: requestHash({ idOrNumber, input }) };
  const { result, replayed } = await runCommand(ctx.db, idempotency, async (tx) => {
    const work = singleWork(ctx, tx, occurredAt);
    const done = await runStep(work, prepareReceive(work, await lockReturn(tx, idOrNumber), input));
    return { id: done.returnId, restocked: done.restocked };
  });
  // Like any stock that arrives, restocked units may complete waiting orders.
  if (!replayed) await allocateBackordersOf(ctx, result.restocked);
  return (await findReturn(ctx.db, result.id))!;
}

/** The idempotency scope of receipts; its remembered result is `{ id, restocked }`. */
export const RECEIVE_SCOPE = 'returns.receive';

/** Checks a receipt against the locked RMA and its lines (see receiveReturn); writing puts the units where they go. */
export async function prepareReceive(work: ReturnWork, { rma, order }: LockedTarget, input: ReceiveReturnInput): Promise<PreparedStep> {
  const { tx, occurredAt } = work;
  // Validates the status before the input, so a closed RMA is a 409 whatever was sent.
  assertReturnTransition(rma.status, 'received');
  const [location] = await tx.select({ id: locations.id }).from(locations).where(eq(locations.id, input.locationId));
  if (!location) throw ValidationError.field('locationId', 'no location has this id');

  const stored = new Map(
    (
      await tx
        .select({
          id: returnLines.id,
          sku: returnLines.sku,
          category: returnLines.category,
          quantity: returnLines.quantity,
          reason: returnLines.reason,
          receivedQuantity: returnLines.receivedQuantity,
        })
        .from(returnLines)
        .where(eq(returnLines.returnId, rma.id))
    ).map((l): [string, StoredLine] => [l.id, l]),
  );
  const errors: FieldError[] = [];
  input.lines.forEach((line, i) => {
    const have = stored.get(line.returnLineId);
    if (!have) return errors.push({ path: `lines.${i}.returnLineId`, message: `is not a line of return ${rma.number}` });
    const left = have.quantity - have.receivedQuantity;
    if (line.quantity > left) errors.push({ path: `lines.${i}.quantity`, message: `only ${left} of the ${have.quantity} units of ${have.sku} are still expected` });
    return undefined;
  });
  if (errors.length > 0) throw new ValidationError(errors);
  for (const line of input.lines) stored.get(line.returnLineId)!.receivedQuantity += line.quantity;
  const complete = [...stored.values()].every((l) => l.receivedQuantity === l.quantity);
  const to = complete ? 'inspected' : 'received';
  assertReturnTransition(rma.status, to);

  const stock = input.lines.filter((l) => l.disposition.restock > 0).map((l) => ({ sku: stored.get(l.returnLineId)!.sku, locationId: input.locationId }));
  const write = async () => {
    const events: NewEvent[] = [];
    for (const line of input.lines) {
      const d = line.disposition;
      await tx
        .update(returnLines)
        .set({
          receivedQuantity: sql`${returnLines.receivedQuantity} + ${line.quantity}`,
          restockQuantity: sql`${returnLines.restockQuantity} + ${d.restock}`,
          refurbishQuantity: sql`${returnLines.refurbishQuantity} + ${d.refurbish}`,
          scrapQuantity: sql`${returnLines.scrapQuantity} + ${d.scrap}`,
          returnToVendorQuantity: sql`${returnLines.returnToVendorQuantity} + ${d.returnToVendor}`,
          ...(d.restock > 0 ? { restockLocationId: input.locationId } : {}),
        })
        .where(eq(returnLines.id, line.returnLineId));
      const have = stored.get(line.returnLineId)!;
      if (d.restock > 0) events.push(await restock(tx, { sku: have.sku, locationId: input.locationId, quantity: d.restock, orderId: rma.orderId, rmaNumber: rma.number, occurredAt }));
    }

    await tx
      .update(returns)
      .set({
        status: to,
        locationId: input.locationId,
        receivedAt: sql`coalesce(${returns.receivedAt}, ${occurredAt})`,
        ...(complete ? { inspectedAt: occurredAt } : {}),
        updatedAt: occurredAt,
      })
      .where(eq(returns.id, rma.id));
    rma.status = to;
    const orderStatus = await settleOrderStatus(tx, order, occurredAt);

    const facts = await work.facts(rma.orderId);
    const received = input.lines.map((line) => ({ line, stored: stored.get(line.returnLineId)! }));
    // The payload names one reason: the one behind most of the units of this receipt.
    const main = received.reduce((best, r) => (r.line.quantity > best.line.quantity ? r : best), received[0]!);
    events.unshift(
      returnEvent(EventType.returnReceived, rma.orderId, occurredAt, {
        channel: facts.channel,
        destination: facts.destination,
        returnId: rma.id,
        locationId: input.locationId,
        lines: received.map((r) => ({ sku: r.stored.sku, category: r.stored.category, quantity: r.line.quantity })),
        reason: main.stored.reason,
      }),
      returnEvent(EventType.returnInspected, rma.orderId, occurredAt, {
        channel: facts.channel,
        returnId: rma.id,
        rmaNumber: rma.number,
        locationId: input.locationId,
        lines: received.map((r) => ({
          sku: r.stored.sku,
          category: r.stored.category,
          quantity: r.line.quantity,
          reason: r.stored.reason,
          restock: r.line.disposition.restock,
          refurbish: r.line.disposition.refurbish,
          scrap: r.line.disposition.scrap,
          returnToVendor: r.line.disposition.returnToVendor,
        })),
        complete,
        orderStatus,
      }),
    );
    return { returnId: rma.id, events, restocked: [...new Set(stock.map((k) => k.sku))] };
  };
  return Object.assign(write, { stock });
}

async function restock(
  tx: Executor,
  r: { sku: string; locationId: string; quantity: number; orderId: string; rmaNumber: string; occurredAt: Date },
): Promise<NewEvent> {
  await tx.insert(inventoryLevels).values({ sku: r.sku, locationId: r.locationId }).onConflictDoNothing();
  const [level] = await tx
    .update(inventoryLevels)
    .set({ onHand: sql`${inventoryLevels.onHand} + ${r.quantity}`, updatedAt: sql`now()` })
    .where(sql`${inventoryLevels.sku} = ${r.sku} and ${inventoryLevels.locationId} = ${r.locationId}`)
    .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
  await tx.insert(inventoryLedger).values({
    sku: r.sku,
    locationId: r.locationId,
    onHandDelta: r.quantity,
    reason: 'return',
    orderId: r.orderId,
    note: `${RESTOCK_NOTE} ${r.rmaNumber}`,
    occurredAt: r.occurredAt,
  });
  return {
    type: EventType.inventoryAdjusted,
    aggregateType: 'inventory',
    aggregateId: r.locationId,
    occurredAt: r.occurredAt,
    payload: { sku: r.sku, locationId: r.locationId, delta: r.quantity, reason: 'return', onHand: level!.onHand, reserved: level!.reserved },
  };
}

import { eq, sql } from 'drizzle-orm';
import { transfers } from '#db/schema/purchasing.ts';
import { mayUseLocation, type Actor } from '#server/auth/actor.ts';
import { ForbiddenError, InvalidTransitionError, ValidationError, type FieldError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { allocateBackordersOf } from '#server/orders/allocate-backorders.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { moveStocks } from './move-stock.ts';
import { checkReceiptLines } from './receipt-lines.ts';
import { addDays } from './purchase-order-lines.ts';
import { appendPurchasingEvents } from './purchasing-events.ts';
import type { ReceiptInput, ShipTransferInput, TransferView } from './purchasing.schemas.ts';
import { laneTerms } from './transfer-lanes.ts';
import { getTransfer, lockTransfer, lockTransferLines } from './transfer-queries.ts';
import { assertTransferTransition } from './transfer-status.ts';

interface Options {
  idempotencyKey?: string | undefined;
  actor?: Actor | null;
}

function requireActorAt(actor: Actor | null | undefined, locationId: string, path: string, what: string): void {
  if (actor !== undefined && !mayUseLocation(actor, locationId)) {
    throw new ForbiddenError(`You may only ${what} at your own locations`, [{ path, message: 'is not one of your locations' }]);
  }
}

/**
 * The transfer leaves its source: on-hand there drops by each shipped line through the ledger
 * (`transfer_out`), never below what is reserved for orders (a 409 naming the line, nothing
 * moved). It ships once, all requested units unless the body says fewer; it is then due the
 * lane's lead time after today.
 */
export async function shipTransfer(ctx: ServiceContext, idOrNumber: string, input: ShipTransferInput, options: Options = {}): Promise<TransferView> {
  const occurredAt = ctx.clock.now();
  const idempotency = { scope: 'transfers.ship', key: options.idempotencyKey, requestHash: requestHash({ idOrNumber, input }) };
  const { result } = await runCommand(ctx.db, idempotency, async (tx) => {
    const transfer = await lockTransfer(tx, idOrNumber);
    requireActorAt(options.actor, transfer.fromLocationId, 'fromLocationId', 'ship transfers');
    assertTransferTransition(transfer.status, 'shipped');
    const lines = await lockTransferLines(tx, transfer.id);
    const bySku = new Map(lines.map((l) => [l.sku, l]));
    // What ships per SKU, and the request path a refusal names.
    const shipping = new Map<string, { quantity: number; path: string }>();
    if (input.lines) {
      const errors: FieldError[] = [];
      input.lines.forEach((line, i) => {
        const have = bySku.get(line.sku);
        if (!have) return errors.push({ path: `lines.${i}.sku`, message: `is not on transfer ${transfer.number}` });
        if (shipping.has(line.sku)) return errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is on an earlier line already` });
        if (line.quantity > have.quantity) errors.push({ path: `lines.${i}.quantity`, message: `only ${have.quantity} units of ${line.sku} were requested` });
        shipping.set(line.sku, { quantity: line.quantity, path: `lines.${i}.quantity` });
        return undefined;
      });
      if (errors.length > 0) throw new ValidationError(errors);
    } else {
      for (const l of lines) shipping.set(l.sku, { quantity: l.quantity, path: `lines.${l.line_no - 1}.quantity` });
    }
    if ([...shipping.values()].every((s) => s.quantity === 0)) throw ValidationError.field('lines', 'ships nothing; cancel the transfer instead');

    const leaving = lines.flatMap((line) => {
      const ship = shipping.get(line.sku);
      return ship && ship.quantity > 0 ? [{ line, ship }] : [];
    });
    await tx.execute(sql`
      update transfer_lines l set quantity_shipped = s.quantity
      from unnest(${sql.param(leaving.map((l) => l.line.id))}::uuid[], ${sql.param(leaving.map((l) => l.ship.quantity))}::int[]) as s(id, quantity)
      where l.id = s.id`);
    const moved = await moveStocks(
      tx,
      leaving.map(({ line, ship }) => ({
        sku: line.sku,
        locationId: transfer.fromLocationId,
        delta: -ship.quantity,
        reason: 'transfer_out' as const,
        note: transfer.number,
        occurredAt,
        path: ship.path,
      })),
    );
    const events: NewEvent[] = moved.map((m) => m.event);
    const lane = await laneTerms(tx, transfer.fromLocationId, transfer.toLocationId);
    const expectedAt = addDays(occurredAt, lane.leadTimeDays);
    await tx.update(transfers).set({ status: 'shipped', shippedAt: occurredAt, expectedAt, updatedAt: occurredAt }).where(eq(transfers.id, transfer.id));
    await appendPurchasingEvents(tx, [
      ...events,
      {
        type: EventType.transferShipped,
        aggregateType: 'transfer',
        aggregateId: transfer.id,
        occurredAt,
        payload: {
          number: transfer.number,
          fromLocationId: transfer.fromLocationId,
          toLocationId: transfer.toLocationId,
          lines: lines.map((l) => ({ sku: l.sku, quantity: shipping.get(l.sku)?.quantity ?? 0 })).filter((l) => l.quantity > 0),
          expectedAt: expectedAt.toISOString(),
          costPerUnitCents: lane.costPerUnitCents,
        },
      },
    ]);
    return { id: transfer.id };
  });
  return getTransfer(ctx.db, result.id);
}

/**
 * Shipped units arrive at the destination: on-hand there rises per line through the ledger
 * (`transfer_in`), in parts if need be, never more than shipped. Then the stock goes to
 * backordered orders, as any stock that arrives.
 */
export async function receiveTransfer(
  ctx: ServiceContext,
  idOrNumber: string,
  input: ReceiptInput,
  options: Options = {},
): Promise<TransferView & { backordersAllocated: string[] }> {
  const occurredAt = ctx.clock.now();
  const idempotency = { scope: 'transfers.receive', key: options.idempotencyKey, requestHash: requestHash({ idOrNumber, input }) };
  const { result, replayed } = await runCommand(ctx.db, idempotency, async (tx) => {
    const transfer = await lockTransfer(tx, idOrNumber);
    requireActorAt(options.actor, transfer.toLocationId, 'toLocationId', 'receive transfers');
    if (transfer.status !== 'shipped' && transfer.status !== 'partially_received') throw new InvalidTransitionError(transfer.status, 'received', 'transfer');
    const lines = await lockTransferLines(tx, transfer.id);
    const bySku = new Map(lines.map((l) => [l.sku, l]));
    const ordered = checkReceiptLines(input.lines, bySku, { total: (l) => l.quantity_shipped, units: 'shipped units', document: `transfer ${transfer.number}` });
    await tx.execute(sql`
      update transfer_lines l set quantity_received = l.quantity_received + r.quantity
      from unnest(${sql.param(ordered.map((o) => o.stored.id))}::uuid[], ${sql.param(ordered.map((o) => o.line.quantity))}::int[]) as r(id, quantity)
      where l.id = r.id`);
    for (const { line, stored: have } of ordered) have.quantity_received += line.quantity;
    const note = input.note ? `${transfer.number}: ${input.note}` : transfer.number;
    const moved = await moveStocks(
      tx,
      ordered.map(({ line, index }) => ({ sku: line.sku, locationId: transfer.toLocationId, delta: line.quantity, reason: 'transfer_in' as const, note, occurredAt, path: `lines.${index}.quantity` })),
    );
    const events: NewEvent[] = moved.map((m) => m.event);
    const complete = lines.every((l) => l.quantity_received === l.quantity_shipped);
    const to = complete ? 'received' : 'partially_received';
    assertTransferTransition(transfer.status, to);
    await tx
      .update(transfers)
      .set({ status: to, firstReceivedAt: sql`coalesce(${transfers.firstReceivedAt}, ${occurredAt})`, ...(complete ? { receivedAt: occurredAt } : {}), updatedAt: occurredAt })
      .where(eq(transfers.id, transfer.id));
    await appendPurchasingEvents(tx, [
      ...events,
      {
        type: EventType.transferReceived,
        aggregateType: 'transfer',
        aggregateId: transfer.id,
        occurredAt,
        payload: {
          number: transfer.number,
          fromLocationId: transfer.fromLocationId,
          toLocationId: transfer.toLocationId,
          lines: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          complete,
          status: to,
        },
      },
    ]);
    return { id: transfer.id, skus: input.lines.map((l) => l.sku) };
  });
  const backordersAllocated: string[] = [];
  if (!replayed) backordersAllocated.push(...(await allocateBackordersOf(ctx, result.skus)));
  return { ...(await getTransfer(ctx.db, result.id)), backordersAllocated };
}

/** Cancels a transfer that has not shipped; nothing had moved. */
export async function cancelTransfer(ctx: ServiceContext, idOrNumber: string, input: { reason?: string | undefined } = {}): Promise<TransferView> {
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const transfer = await lockTransfer(tx, idOrNumber);
    assertTransferTransition(transfer.status, 'cancelled');
    await tx.update(transfers).set({ status: 'cancelled', cancelledAt: occurredAt, updatedAt: occurredAt }).where(eq(transfers.id, transfer.id));
    await appendPurchasingEvents(tx, [
      {
        type: EventType.transferCancelled,
        aggregateType: 'transfer',
        aggregateId: transfer.id,
        occurredAt,
        payload: { number: transfer.number, fromLocationId: transfer.fromLocationId, toLocationId: transfer.toLocationId, reason: input.reason ?? null },
      },
    ]);
    return getTransfer(tx, transfer.id);
  });
}

import { eq, sql } from 'drizzle-orm';
import { purchaseOrders } from '#db/schema/purchasing.ts';
import { mayUseLocation, type Actor } from '#server/auth/actor.ts';
import { ForbiddenError, InvalidTransitionError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { allocateBackordersOf } from '#server/orders/allocate-backorders.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { moveStocks } from './move-stock.ts';
import { checkReceiptLines } from './receipt-lines.ts';
import { getPurchaseOrder, lockPurchaseOrder } from './purchase-order-queries.ts';
import { assertPurchaseOrderTransition } from './purchase-order-status.ts';
import { appendPurchasingEvents } from './purchasing-events.ts';
import type { PurchaseOrderView, ReceiptInput } from './purchasing.schemas.ts';

/**
 * Goods of a purchase order arrive at its ship-to location: on-hand rises per line with its
 * ledger row (`receipt`, noted with the PO number) and inventory.adjusted event, and the order
 * becomes partially received or received, all in one transaction. The order row is locked
 * first, so two receipts of one order run one after the other and can never exceed what was
 * ordered (the lines' check would refuse it anyway). Then, like adjustInventory, the new stock
 * goes to backordered orders.
 */
export async function receivePurchaseOrder(
  ctx: ServiceContext,
  idOrNumber: string,
  input: ReceiptInput,
  options: { idempotencyKey?: string | undefined; actor?: Actor | null } = {},
): Promise<PurchaseOrderView & { backordersAllocated: string[] }> {
  const occurredAt = ctx.clock.now();
  const idempotency = { scope: 'purchase_orders.receive', key: options.idempotencyKey, requestHash: requestHash({ idOrNumber, input }) };
  const { result, replayed } = await runCommand(ctx.db, idempotency, async (tx) => {
    const po = await lockPurchaseOrder(tx, idOrNumber);
    // Staff limited to some locations receive only at theirs.
    if (options.actor !== undefined && !mayUseLocation(options.actor, po.locationId)) {
      throw new ForbiddenError('You may only receive at your own locations', [{ path: 'locationId', message: 'is not one of your locations' }]);
    }
    if (po.status !== 'submitted' && po.status !== 'partially_received') throw new InvalidTransitionError(po.status, 'received', 'purchase order');

    const stored = await tx.execute<{ id: string; sku: string; quantity_ordered: number; quantity_received: number }>(
      sql`select id, sku, quantity_ordered, quantity_received from purchase_order_lines where purchase_order_id = ${po.id} order by sku for update`,
    );
    const bySku = new Map(stored.rows.map((l) => [l.sku, l]));
    const ordered = checkReceiptLines(input.lines, bySku, { total: (l) => l.quantity_ordered, units: 'units', document: `purchase order ${po.number}` });
    // Set-based whatever the number of lines (one by one, a receipt of 60 lines took 360 statements).
    await tx.execute(sql`
      update purchase_order_lines l set quantity_received = l.quantity_received + r.quantity
      from unnest(${sql.param(ordered.map((o) => o.stored.id))}::uuid[], ${sql.param(ordered.map((o) => o.line.quantity))}::int[]) as r(id, quantity)
      where l.id = r.id`);
    for (const { line, stored: have } of ordered) have.quantity_received += line.quantity;
    const note = input.note ? `${po.number}: ${input.note}` : po.number;
    const moved = await moveStocks(
      tx,
      ordered.map(({ line, index }) => ({ sku: line.sku, locationId: po.locationId, delta: line.quantity, reason: 'receipt', note, occurredAt, path: `lines.${index}.quantity` })),
    );
    await tx.execute(sql`
      insert into purchase_order_receipts (purchase_order_id, sku, quantity, location_id, ledger_id, received_at)
      select ${po.id}::uuid, sku, quantity, ${po.locationId}::uuid, ledger_id, ${occurredAt.toISOString()}::timestamptz
      from unnest(${sql.param(ordered.map((o) => o.line.sku))}::text[], ${sql.param(ordered.map((o) => o.line.quantity))}::int[],
        ${sql.param(moved.map((m) => m.ledgerId))}::bigint[]) with ordinality as r(sku, quantity, ledger_id, ord)
      order by ord`);
    const events: NewEvent[] = moved.map((m) => m.event);

    const complete = stored.rows.every((l) => l.quantity_received === l.quantity_ordered);
    const to = complete ? 'received' : 'partially_received';
    assertPurchaseOrderTransition(po.status, to);
    await tx
      .update(purchaseOrders)
      .set({
        status: to,
        firstReceivedAt: sql`coalesce(${purchaseOrders.firstReceivedAt}, ${occurredAt})`,
        ...(complete ? { receivedAt: occurredAt } : {}),
        updatedAt: occurredAt,
      })
      .where(eq(purchaseOrders.id, po.id));
    await appendPurchasingEvents(tx, [
      ...events,
      {
        type: EventType.purchaseOrderReceived,
        aggregateType: 'purchase_order',
        aggregateId: po.id,
        occurredAt,
        payload: {
          number: po.number,
          supplierId: po.supplierId,
          locationId: po.locationId,
          lines: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          complete,
          status: to,
          // Days early (negative) or late against the expected date.
          lateByDays: po.expectedAt ? Math.round((occurredAt.getTime() - new Date(po.expectedAt).getTime()) / 86_400_000) : null,
        },
      },
    ]);
    return { id: po.id, skus: input.lines.map((l) => l.sku) };
  });
  const backordersAllocated: string[] = [];
  if (!replayed) backordersAllocated.push(...(await allocateBackordersOf(ctx, result.skus)));
  return { ...(await getPurchaseOrder(ctx.db, result.id)), backordersAllocated };
}

import { eq, sql } from 'drizzle-orm';
import { purchaseOrders } from '#db/schema/purchasing.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { expectedArrival } from './purchase-order-lines.ts';
import { getPurchaseOrder, lockPurchaseOrder } from './purchase-order-queries.ts';
import { assertPurchaseOrderTransition } from './purchase-order-status.ts';
import { appendPurchasingEvents } from './purchasing-events.ts';
import type { PurchaseOrderView } from './purchasing.schemas.ts';

/**
 * Sends a draft to the supplier. Without an expected date it is due the slowest line's lead
 * time (the SKU's at this supplier, else the supplier's) after today.
 */
export async function submitPurchaseOrder(ctx: ServiceContext, idOrNumber: string): Promise<PurchaseOrderView> {
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const po = await lockPurchaseOrder(tx, idOrNumber);
    assertPurchaseOrderTransition(po.status, 'submitted');
    const leads = await tx.execute<{ lead_time_days: number; supplier_days: number }>(sql`
      select coalesce(sp.lead_time_days, s.lead_time_days) as lead_time_days, s.lead_time_days as supplier_days
      from purchase_order_lines l join purchase_orders po on po.id = l.purchase_order_id join suppliers s on s.id = po.supplier_id
      left join supplier_products sp on sp.supplier_id = po.supplier_id and sp.sku = l.sku
      where l.purchase_order_id = ${po.id}`);
    const expectedAt = po.expectedAt ?? expectedArrival(occurredAt, leads.rows.map((r) => ({ leadTimeDays: r.lead_time_days })), 0);
    await tx.update(purchaseOrders).set({ status: 'submitted', submittedAt: occurredAt, expectedAt, updatedAt: occurredAt }).where(eq(purchaseOrders.id, po.id));
    const view = await getPurchaseOrder(tx, po.id);
    await appendPurchasingEvents(tx, [
      {
        type: EventType.purchaseOrderSubmitted,
        aggregateType: 'purchase_order',
        aggregateId: po.id,
        occurredAt,
        payload: {
          number: po.number,
          supplierId: view.supplierId,
          locationId: view.locationId,
          currency: view.currency,
          source: view.source,
          lines: view.lines.map((l) => ({ sku: l.sku, quantity: l.quantityOrdered, unitCostCents: l.unitCostCents })),
          totalCents: view.totalCents,
          expectedAt: view.expectedAt,
        },
      },
    ]);
    return view;
  });
}

/** Cancels an order nothing arrived on (a draft or a submitted one). */
export function cancelPurchaseOrder(ctx: ServiceContext, idOrNumber: string, input: { reason?: string | undefined } = {}): Promise<PurchaseOrderView> {
  return finish(ctx, idOrNumber, 'cancelled', input.reason);
}

/** No more units will come: what was not received is off order. */
export function closePurchaseOrder(ctx: ServiceContext, idOrNumber: string, input: { reason?: string | undefined } = {}): Promise<PurchaseOrderView> {
  return finish(ctx, idOrNumber, 'closed', input.reason);
}

async function finish(ctx: ServiceContext, idOrNumber: string, to: 'cancelled' | 'closed', reason: string | undefined): Promise<PurchaseOrderView> {
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const po = await lockPurchaseOrder(tx, idOrNumber);
    assertPurchaseOrderTransition(po.status, to);
    const before = await getPurchaseOrder(tx, po.id);
    await tx
      .update(purchaseOrders)
      .set({ status: to, ...(to === 'cancelled' ? { cancelledAt: occurredAt } : { closedAt: occurredAt }), updatedAt: occurredAt })
      .where(eq(purchaseOrders.id, po.id));
    await appendPurchasingEvents(tx, [
      {
        type: to === 'cancelled' ? EventType.purchaseOrderCancelled : EventType.purchaseOrderClosed,
        aggregateType: 'purchase_order',
        aggregateId: po.id,
        occurredAt,
        payload: {
          number: po.number,
          from: po.status,
          locationId: po.locationId,
          reason: reason ?? null,
          // The units that will now never arrive.
          unreceived: before.lines.filter((l) => l.quantityOpen > 0).map((l) => ({ sku: l.sku, quantity: l.quantityOpen })),
        },
      },
    ]);
    return getPurchaseOrder(tx, po.id);
  });
}

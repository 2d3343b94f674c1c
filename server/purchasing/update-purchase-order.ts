import { eq } from 'drizzle-orm';
import { locations } from '#db/schema/locations.ts';
import { purchaseOrderLines, purchaseOrders, suppliers } from '#db/schema/purchasing.ts';
import { ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { priceLines } from './purchase-order-lines.ts';
import { getPurchaseOrder, lockPurchaseOrder } from './purchase-order-queries.ts';
import { assertPurchaseOrderTransition } from './purchase-order-status.ts';
import { appendPurchasingEvents } from './purchasing-events.ts';
import type { PurchaseOrderView, UpdatePurchaseOrderInput } from './purchasing.schemas.ts';

/** Edits a draft: its ship-to, expected date, note, or all of its lines at once. */
export async function updatePurchaseOrder(ctx: ServiceContext, idOrNumber: string, input: UpdatePurchaseOrderInput): Promise<PurchaseOrderView> {
  const occurredAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const po = await lockPurchaseOrder(tx, idOrNumber);
    assertPurchaseOrderTransition(po.status, 'draft');
    if (input.locationId) {
      const [location] = await tx.select({ id: locations.id }).from(locations).where(eq(locations.id, input.locationId));
      if (!location) throw ValidationError.field('locationId', 'no location has this id');
    }
    if (input.lines) {
      const [supplier] = await tx.select().from(suppliers).where(eq(suppliers.id, po.supplierId));
      const lines = await priceLines(tx, supplier!, input.lines);
      await tx.delete(purchaseOrderLines).where(eq(purchaseOrderLines.purchaseOrderId, po.id));
      await tx
        .insert(purchaseOrderLines)
        .values(lines.map((l, i) => ({ purchaseOrderId: po.id, lineNo: i + 1, sku: l.sku, quantityOrdered: l.quantity, unitCostCents: l.unitCostCents })));
    }
    await tx
      .update(purchaseOrders)
      .set({
        ...(input.locationId ? { locationId: input.locationId } : {}),
        ...(input.expectedAt !== undefined ? { expectedAt: input.expectedAt === null ? null : new Date(input.expectedAt) } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
        updatedAt: occurredAt,
      })
      .where(eq(purchaseOrders.id, po.id));
    const view = await getPurchaseOrder(tx, po.id);
    await appendPurchasingEvents(tx, [
      {
        type: EventType.purchaseOrderUpdated,
        aggregateType: 'purchase_order',
        aggregateId: po.id,
        occurredAt,
        payload: {
          number: po.number,
          changes: Object.keys(input),
          locationId: view.locationId,
          expectedAt: view.expectedAt,
          lines: view.lines.map((l) => ({ sku: l.sku, quantity: l.quantityOrdered, unitCostCents: l.unitCostCents })),
          totalCents: view.totalCents,
        },
      },
    ]);
    return view;
  });
}

import { eq } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { locations } from '#db/schema/locations.ts';
import { purchaseOrderLines, purchaseOrders, suppliers } from '#db/schema/purchasing.ts';
import { ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { expectedArrival, priceLines, type RequestedLine } from './purchase-order-lines.ts';
import { getPurchaseOrder } from './purchase-order-queries.ts';
import { appendPurchasingEvents, type PurchasingEvent } from './purchasing-events.ts';
import type { PurchaseOrderView } from './purchasing.schemas.ts';

export interface InsertPurchaseOrderInput {
  supplierId: string;
  locationId: string;
  lines: RequestedLine[];
  expectedAt?: string | undefined;
  note?: string | undefined;
  source?: string | undefined;
  submit?: boolean | undefined;
  /** Who raised it (the request's actor; a restock proposal's approver). */
  createdBy?: { id: string; label: string } | null | undefined;
}

/**
 * Raises a purchase order inside the caller's transaction (a restock approval raises many in
 * one): a draft, or submitted at once with its expected date. Its events go with it.
 */
export async function insertPurchaseOrder(tx: Transaction, ctx: ServiceContext, input: InsertPurchaseOrderInput): Promise<PurchaseOrderView> {
  const occurredAt = ctx.clock.now();
  const [supplier] = await tx.select().from(suppliers).where(eq(suppliers.id, input.supplierId));
  if (!supplier) throw ValidationError.field('supplierId', 'no supplier has this id');
  if (!supplier.active) throw ValidationError.field('supplierId', `supplier ${supplier.code} is inactive`);
  const [location] = await tx.select({ id: locations.id }).from(locations).where(eq(locations.id, input.locationId));
  if (!location) throw ValidationError.field('locationId', 'no location has this id');
  const lines = await priceLines(tx, supplier, input.lines);

  const submit = input.submit === true;
  const expectedAt = input.expectedAt ? new Date(input.expectedAt) : submit ? expectedArrival(occurredAt, lines, supplier.leadTimeDays) : null;
  const [order] = await tx
    .insert(purchaseOrders)
    .values({
      supplierId: supplier.id,
      locationId: input.locationId,
      status: submit ? 'submitted' : 'draft',
      currency: supplier.currency,
      expectedAt,
      note: input.note ?? null,
      source: input.source ?? null,
      createdById: input.createdBy?.id ?? null,
      createdByLabel: input.createdBy?.label ?? null,
      orderedAt: occurredAt,
      submittedAt: submit ? occurredAt : null,
      createdAt: occurredAt,
      updatedAt: occurredAt,
    })
    .returning({ id: purchaseOrders.id, number: purchaseOrders.number });
  await tx
    .insert(purchaseOrderLines)
    .values(lines.map((l, i) => ({ purchaseOrderId: order!.id, lineNo: i + 1, sku: l.sku, quantityOrdered: l.quantity, unitCostCents: l.unitCostCents })));

  const payload = {
    number: order!.number,
    supplierId: supplier.id,
    locationId: input.locationId,
    currency: supplier.currency,
    source: input.source ?? null,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitCostCents: l.unitCostCents })),
    totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitCostCents, 0),
  };
  const events: PurchasingEvent[] = [{ type: EventType.purchaseOrderCreated, aggregateType: 'purchase_order', aggregateId: order!.id, occurredAt, payload }];
  if (submit) {
    events.push({
      type: EventType.purchaseOrderSubmitted,
      aggregateType: 'purchase_order',
      aggregateId: order!.id,
      occurredAt,
      payload: { ...payload, expectedAt: expectedAt?.toISOString() ?? null },
    });
  }
  await appendPurchasingEvents(tx, events);
  return getPurchaseOrder(tx, order!.id);
}

/** POST /api/purchase-orders: one transaction, idempotent by Idempotency-Key. */
export async function createPurchaseOrder(
  ctx: ServiceContext,
  input: InsertPurchaseOrderInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ order: PurchaseOrderView; replayed: boolean }> {
  const { createdBy: _createdBy, ...request } = input;
  const { result, replayed } = await runCommand(ctx.db, { scope: 'purchase_orders.create', key: options.idempotencyKey, requestHash: requestHash(request) }, (tx) =>
    insertPurchaseOrder(tx, ctx, input),
  );
  // A replay answers with the order as it is now, not as it was first written.
  return { order: replayed ? await getPurchaseOrder(ctx.db, result.id) : result, replayed };
}

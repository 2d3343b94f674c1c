import { inArray } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { products } from '#db/schema/catalog.ts';
import { locations } from '#db/schema/locations.ts';
import { transferLines, transfers } from '#db/schema/purchasing.ts';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import type { ServiceContext } from '#server/context.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { addDays } from './purchase-order-lines.ts';
import { appendPurchasingEvents } from './purchasing-events.ts';
import type { TransferView } from './purchasing.schemas.ts';
import { laneTerms } from './transfer-lanes.ts';
import { getTransfer } from './transfer-queries.ts';

export interface InsertTransferInput {
  fromLocationId: string;
  toLocationId: string;
  lines: { sku: string; quantity: number }[];
  note?: string | undefined;
  source?: string | undefined;
  createdBy?: { id: string; label: string } | null | undefined;
}

/**
 * Requests a transfer inside the caller's transaction (a restock approval requests many in
 * one). Nothing moves yet: stock leaves the source when the transfer ships.
 */
export async function insertTransfer(tx: Transaction, ctx: ServiceContext, input: InsertTransferInput): Promise<TransferView> {
  const occurredAt = ctx.clock.now();
  const errors: FieldError[] = [];
  if (input.fromLocationId === input.toLocationId) errors.push({ path: 'toLocationId', message: 'must differ from fromLocationId' });
  const ends = await tx.select({ id: locations.id }).from(locations).where(inArray(locations.id, [input.fromLocationId, input.toLocationId]));
  if (!ends.some((e) => e.id === input.fromLocationId)) errors.push({ path: 'fromLocationId', message: 'no location has this id' });
  if (!ends.some((e) => e.id === input.toLocationId)) errors.push({ path: 'toLocationId', message: 'no location has this id' });
  const known = new Set(
    (
      await tx
        .select({ sku: products.sku })
        .from(products)
        .where(inArray(products.sku, [...new Set(input.lines.map((l) => l.sku))]))
    ).map((p) => p.sku),
  );
  const seen = new Set<string>();
  input.lines.forEach((line, i) => {
    if (seen.has(line.sku)) errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is on an earlier line already` });
    seen.add(line.sku);
    if (!known.has(line.sku)) errors.push({ path: `lines.${i}.sku`, message: `no product has SKU ${line.sku}` });
  });
  if (errors.length > 0) throw new ValidationError(errors);

  const lane = await laneTerms(tx, input.fromLocationId, input.toLocationId);
  const [transfer] = await tx
    .insert(transfers)
    .values({
      fromLocationId: input.fromLocationId,
      toLocationId: input.toLocationId,
      // Until it ships: if it shipped today.
      expectedAt: addDays(occurredAt, lane.leadTimeDays),
      note: input.note ?? null,
      source: input.source ?? null,
      createdById: input.createdBy?.id ?? null,
      createdByLabel: input.createdBy?.label ?? null,
      requestedAt: occurredAt,
      createdAt: occurredAt,
      updatedAt: occurredAt,
    })
    .returning({ id: transfers.id, number: transfers.number });
  await tx.insert(transferLines).values(input.lines.map((l, i) => ({ transferId: transfer!.id, lineNo: i + 1, sku: l.sku, quantity: l.quantity })));
  await appendPurchasingEvents(tx, [
    {
      type: EventType.transferRequested,
      aggregateType: 'transfer',
      aggregateId: transfer!.id,
      occurredAt,
      payload: {
        number: transfer!.number,
        fromLocationId: input.fromLocationId,
        toLocationId: input.toLocationId,
        source: input.source ?? null,
        lines: input.lines,
        leadTimeDays: lane.leadTimeDays,
        costPerUnitCents: lane.costPerUnitCents,
      },
    },
  ]);
  return getTransfer(tx, transfer!.id);
}

/** POST /api/transfers: one transaction, idempotent by Idempotency-Key. */
export async function createTransfer(
  ctx: ServiceContext,
  input: InsertTransferInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ transfer: TransferView; replayed: boolean }> {
  const { createdBy: _createdBy, ...request } = input;
  const { result, replayed } = await runCommand(ctx.db, { scope: 'transfers.create', key: options.idempotencyKey, requestHash: requestHash(request) }, (tx) =>
    insertTransfer(tx, ctx, input),
  );
  return { transfer: replayed ? await getTransfer(ctx.db, result.id) : result, replayed };
}

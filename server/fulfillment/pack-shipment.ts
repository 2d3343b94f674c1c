import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { insertPackages } from './insert-packages.ts';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { labelCostCents, newTrackingNumber, type ShipmentRoute } from './carrier-rules.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { orderPackedEvent } from './fulfillment-events.ts';
import { findShipment } from './fulfillment-queries.ts';
import type { PackInput, Shipment } from './fulfillment.schemas.ts';
import { lockShipment, type LockedShipment } from './lock-shipment.ts';

/** A picked line as packing reads it: what was picked, and the product's weight and size for the parcels. */
export interface PickedLineRow extends Record<string, unknown> {
  id: string;
  sku: string;
  picked_quantity: number;
  picked_at: Date | null;
  weight_grams: number | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
}

/** What goes in the parcels: the units picked of each line, with their weight and size. */
export function packUnits(lines: readonly PickedLineRow[]): PackUnit[] {
  return lines
    .filter((l) => l.picked_quantity > 0)
    .map((l) => ({
      lineId: l.id,
      sku: l.sku,
      quantity: l.picked_quantity,
      unitWeightGrams: l.weight_grams ?? 0,
      dimensionsMm: l.length_mm && l.width_mm && l.height_mm ? [l.length_mm, l.width_mm, l.height_mm] : null,
    }));
}
import { advanceOrder } from './order-progress.ts';
import { planPackages, type PackUnit, type Packaging, type PlannedPackage } from './plan-packages.ts';
import { loadShipmentRoute } from './shipment-route.ts';
import { assertShipmentTransition } from './shipment-status.ts';

/**
 * Packs a picked shipment. The packer's scans (SKU and quantity) must equal the picked units
 * exactly, else 422 naming the item and nothing is written. Packaging is chosen by
 * planPackages; each package gets a tracking number, its weight (contents + tare) and the
 * carrier's label cost; the shipment records its packaging and label costs and becomes packed
 * (`order.packed`).
 */
export async function packShipment(ctx: ServiceContext, actor: Actor | null, shipmentId: string, input: PackInput): Promise<Shipment> {
  const occurredAt = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const shipment = await lockShipment(tx, shipmentId, actor);
    assertShipmentTransition(shipment.status, 'packed');
    const lines = await tx.execute<PickedLineRow>(sql`
      select sl.id, sl.sku, sl.picked_quantity, sl.picked_at, p.weight_grams, p.length_mm, p.width_mm, p.height_mm
      from shipment_lines sl left join products p on p.sku = sl.sku
      where sl.shipment_id = ${shipment.id} order by sl.sku, sl.id for update of sl`);
    const unpicked = lines.rows.filter((l) => l.picked_at === null);
    if (unpicked.length > 0) {
      throw new ConflictError(`Lines still to pick: ${unpicked.map((l) => `${l.sku} (${l.id})`).join(', ')}`, [{ path: 'items', message: 'the shipment is not fully picked yet' }]);
    }
    assertScansMatch(input, lines.rows);

    const types = await activePackaging(tx);
    const plan = planPackages(packUnits(lines.rows), types);
    if (!plan.ok) {
      const index = input.items.findIndex((item) => item.sku === plan.sku);
      throw ValidationError.field(`items.${index}.sku`, `${plan.sku} ${plan.reason}`);
    }
    const route = await loadShipmentRoute(tx, shipment.id);
    const rows = packageRows(ctx, shipment, route, plan.packages, occurredAt);
    await insertPackages(tx, [{ rows, plan: plan.packages }]);
    await tx.execute(sql`update shipment_lines set packed_quantity = picked_quantity where shipment_id = ${shipment.id}`);
    const packagingCostCents = plan.packages.reduce((sum, p) => sum + p.packaging.costCents, 0);
    const labelCost = rows.reduce((sum, p) => sum + p.labelCostCents, 0);
    await tx.execute(sql`
      update shipments set status = 'packed', packaging_cost_cents = ${packagingCostCents}, label_cost_cents = ${labelCost}, updated_at = ${occurredAt}
      where id = ${shipment.id}`);
    await advanceOrder(tx, shipment.orderId, occurredAt);
    await appendEvents(tx, [await orderPackedEvent(tx, shipment, { packagingCostCents, labelCostCents: labelCost }, occurredAt)]);
  });
  return (await findShipment(ctx.db, shipmentId))!;
}

/** The packages a plan makes: each with a tracking number, its weight (contents + tare) and the carrier's label cost. */
export function packageRows(ctx: Pick<ServiceContext, 'sourcingPolicy'>, shipment: LockedShipment, route: ShipmentRoute, planned: PlannedPackage[], occurredAt: Date) {
  return planned.map((p, i) => {
    const weightGrams = Math.max(1, p.weightGrams);
    const boxVolume = p.packaging.innerLengthMm * p.packaging.innerWidthMm * p.packaging.innerHeightMm;
    return {
      shipmentId: shipment.id,
      number: i + 1,
      packagingCode: p.packaging.code,
      weightGrams,
      trackingNumber: newTrackingNumber(shipment.carrier),
      labelCostCents: labelCostCents(shipment.carrier, route, weightGrams, boxVolume, ctx.sourcingPolicy),
      createdAt: occurredAt,
    };
  });
}

/** The active packaging types, as planPackages takes them. */
export async function activePackaging(tx: Executor): Promise<Packaging[]> {
  const types = await tx.execute<Packaging & Record<string, unknown>>(sql`
    select code, inner_length_mm as "innerLengthMm", inner_width_mm as "innerWidthMm", inner_height_mm as "innerHeightMm",
      max_weight_grams as "maxWeightGrams", tare_grams as "tareGrams", cost_cents as "costCents"
    from packaging_types where active order by code`);
  return types.rows;
}

/** 422 naming every scan that does not match what was picked: unknown or repeated SKUs, wrong quantities, SKUs not scanned. */
export function assertScansMatch(input: PackInput, lines: { sku: string; picked_quantity: number }[]): void {
  const picked = new Map<string, number>();
  for (const l of lines) picked.set(l.sku, (picked.get(l.sku) ?? 0) + l.picked_quantity);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    const expected = picked.get(item.sku);
    if (seen.has(item.sku)) errors.push({ path: `items.${i}.sku`, message: `${item.sku} is scanned twice; put its whole quantity on one item` });
    else if (expected === undefined || expected === 0) errors.push({ path: `items.${i}.sku`, message: `${item.sku} was not picked for this shipment` });
    else if (item.quantity !== expected) errors.push({ path: `items.${i}.quantity`, message: `${expected} units of ${item.sku} were picked, ${item.quantity} scanned` });
    seen.add(item.sku);
  });
  for (const [sku, quantity] of picked) {
    if (quantity > 0 && !seen.has(sku)) errors.push({ path: 'items', message: `${sku} was picked (${quantity} units) but not scanned` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

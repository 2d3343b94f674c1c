import { eq, sql } from 'drizzle-orm';
import { inventoryLedger, inventoryLevels } from '#db/schema/inventory.ts';
import { locations } from '#db/schema/locations.ts';
import { products } from '#db/schema/catalog.ts';
import { ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import { requestHash } from '#server/core/request-hash.ts';
import { runCommand } from '#server/idempotency/run-idempotent.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import type { ServiceContext } from '#server/context.ts';
import { allocateBackorders } from '#server/orders/allocate-backorders.ts';
import { findLevelForUpdate, inventoryLevelView } from './inventory-queries.ts';
import type { InventoryAdjustmentInput, InventoryLevel } from './inventory.schemas.ts';

export interface AdjustmentResult {
  ledgerId: number;
  level: InventoryLevel;
  /** Backordered orders that this stock made fully allocated. */
  backordersAllocated: string[];
  replayed: boolean;
}

/**
 * Changes on-hand stock at one location and writes the ledger row and event with it.
 * Stock can never drop below zero nor below what is already reserved for orders.
 */
export async function adjustInventory(
  ctx: ServiceContext,
  input: InventoryAdjustmentInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<AdjustmentResult> {
  const occurredAt = ctx.clock.now();
  const { result, replayed } = await runCommand(
    ctx.db,
    { scope: 'inventory.adjust', key: options.idempotencyKey, requestHash: requestHash(input) },
    async (tx) => {
      const [product] = await tx.select({ sku: products.sku }).from(products).where(eq(products.sku, input.sku));
      if (!product) throw ValidationError.field('sku', `no product has SKU ${input.sku}`);
      const [location] = await tx.select({ id: locations.id }).from(locations).where(eq(locations.id, input.locationId));
      if (!location) throw ValidationError.field('locationId', 'no location has this id');

      await tx.insert(inventoryLevels).values({ sku: input.sku, locationId: input.locationId }).onConflictDoNothing();
      const before = await findLevelForUpdate(tx, input.sku, input.locationId);
      if (!before) throw new Error('inventory level missing right after its upsert');
      const onHand = before.onHand + input.delta;
      if (onHand < 0) throw ValidationError.field('delta', `would take on hand below zero (on hand is ${before.onHand})`);
      if (onHand < before.reserved) {
        throw ValidationError.field('delta', `would take on hand (${onHand}) below the ${before.reserved} units reserved for orders`);
      }

      const [level] = await tx
        .update(inventoryLevels)
        .set({ onHand, updatedAt: sql`now()` })
        .where(sql`${inventoryLevels.sku} = ${input.sku} and ${inventoryLevels.locationId} = ${input.locationId}`)
        .returning();
      if (!level) throw new Error('inventory level vanished while locked');
      const [ledger] = await tx
        .insert(inventoryLedger)
        .values({
          sku: input.sku,
          locationId: input.locationId,
          onHandDelta: input.delta,
          reason: input.reason,
          note: input.note ?? null,
          occurredAt,
        })
        .returning({ id: inventoryLedger.id });
      const view = inventoryLevelView(level);
      await appendEvents(tx, [
        {
          type: EventType.inventoryAdjusted,
          aggregateType: 'inventory',
          aggregateId: input.locationId,
          occurredAt,
          payload: { sku: input.sku, locationId: input.locationId, delta: input.delta, reason: input.reason, onHand: view.onHand, reserved: view.reserved },
        },
      ]);
      return { ledgerId: ledger?.id ?? 0, level: view };
    },
  );
  const backordersAllocated = input.delta > 0 && !replayed ? await allocateBackorders(ctx, input.sku) : [];
  return { ...result, backordersAllocated, replayed };
}

/** Safety stock is held back from what orders may reserve. */
export async function setSafetyStock(ctx: ServiceContext, sku: string, locationId: string, safetyStock: number): Promise<InventoryLevel> {
  const [level] = await ctx.db
    .update(inventoryLevels)
    .set({ safetyStock, updatedAt: sql`now()` })
    .where(sql`${inventoryLevels.sku} = ${sku} and ${inventoryLevels.locationId} = ${locationId}`)
    .returning();
  if (!level) throw ValidationError.field('sku', 'this SKU has no stock record at this location yet; adjust inventory first');
  return inventoryLevelView(level);
}

/** Records where the SKU sits at the location (null: nowhere in particular); pick lists walk in bin order. */
export async function setBin(ctx: ServiceContext, sku: string, locationId: string, bin: string | null): Promise<InventoryLevel> {
  const [level] = await ctx.db
    .update(inventoryLevels)
    .set({ bin, updatedAt: sql`now()` })
    .where(sql`${inventoryLevels.sku} = ${sku} and ${inventoryLevels.locationId} = ${locationId}`)
    .returning();
  if (!level) throw ValidationError.field('sku', 'this SKU has no stock record at this location yet; adjust inventory first');
  return inventoryLevelView(level);
}

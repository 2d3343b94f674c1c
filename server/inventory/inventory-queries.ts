import { and, asc, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { inventoryLedger, inventoryLevels } from '#db/schema/inventory.ts';
import type { InventoryLevel } from './inventory.schemas.ts';

const levelColumns = {
  sku: inventoryLevels.sku,
  locationId: inventoryLevels.locationId,
  onHand: inventoryLevels.onHand,
  reserved: inventoryLevels.reserved,
  safetyStock: inventoryLevels.safetyStock,
  available: sql<number>`greatest(${inventoryLevels.onHand} - ${inventoryLevels.reserved} - ${inventoryLevels.safetyStock}, 0)`.mapWith(Number),
  bin: inventoryLevels.bin,
};

/** The API's view of a stock level row. */
export function inventoryLevelView(level: typeof inventoryLevels.$inferSelect): InventoryLevel {
  return {
    sku: level.sku,
    locationId: level.locationId,
    onHand: level.onHand,
    reserved: level.reserved,
    safetyStock: level.safetyStock,
    available: Math.max(0, level.onHand - level.reserved - level.safetyStock),
    bin: level.bin,
  };
}

export async function listInventory(db: Executor, filter: { sku?: string | undefined; locationId?: string | undefined }): Promise<InventoryLevel[]> {
  const conditions: SQL[] = [];
  if (filter.sku) conditions.push(eq(inventoryLevels.sku, filter.sku));
  if (filter.locationId) conditions.push(eq(inventoryLevels.locationId, filter.locationId));
  return db
    .select(levelColumns)
    .from(inventoryLevels)
    .where(and(...conditions))
    .orderBy(asc(inventoryLevels.sku), asc(inventoryLevels.locationId))
    .limit(10_000);
}

/** Available-to-promise across the whole network for one SKU, with the per-location detail. */
export async function networkAvailability(db: Executor, sku: string) {
  const locations = await listInventory(db, { sku });
  const sum = (pick: (l: InventoryLevel) => number) => locations.reduce((total, l) => total + pick(l), 0);
  return { sku, onHand: sum((l) => l.onHand), reserved: sum((l) => l.reserved), available: sum((l) => l.available), locations };
}

export async function listLedger(db: Executor, filter: { sku: string; locationId?: string | undefined; before?: number | undefined; limit: number }) {
  const conditions: SQL[] = [eq(inventoryLedger.sku, filter.sku)];
  if (filter.locationId) conditions.push(eq(inventoryLedger.locationId, filter.locationId));
  if (filter.before) conditions.push(lt(inventoryLedger.id, filter.before));
  const rows = await db
    .select()
    .from(inventoryLedger)
    .where(and(...conditions))
    .orderBy(desc(inventoryLedger.id))
    .limit(filter.limit);
  return rows.map(({ createdAt: _createdAt, occurredAt, ...row }) => ({ ...row, occurredAt: occurredAt.toISOString() }));
}

export async function findLevelForUpdate(tx: Executor, sku: string, locationId: string) {
  const [level] = await tx
    .select(levelColumns)
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.sku, sku), eq(inventoryLevels.locationId, locationId)))
    .for('update');
  return level;
}

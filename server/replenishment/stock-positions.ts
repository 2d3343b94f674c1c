import { eq } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { products } from '#db/schema/catalog.ts';
import { inventoryLevels } from '#db/schema/inventory.ts';
import { locations } from '#db/schema/locations.ts';
import { replenishmentSettings } from '#db/schema/replenishment.ts';
import { inboundBySkuLocation } from '#server/purchasing/index.ts';

export interface StockCell {
  sku: string;
  locationId: string;
  /** On hand less reserved. */
  available: number;
  /** On order from suppliers plus transfers on their way in (requested or shipped). */
  inbound: number;
  /** When the next inbound units are due (YYYY-MM-DD); null when none or not dated. */
  nextInboundDate: string | null;
}

export interface PolicyOverride {
  serviceLevel: number | null;
  reviewPeriodDays: number | null;
  leadTimeDays: number | null;
  active: boolean;
}

export interface NetworkStock {
  /** Active locations: their kind and currency. */
  locations: Map<string, { kind: string; currency: string }>;
  /** Active products and the day each was created. */
  products: Map<string, { createdDay: string; currency: string }>;
  /** Keyed `sku@locationId`. */
  cells: Map<string, StockCell>;
  settings: Map<string, PolicyOverride>;
}

export const cellKey = (sku: string, locationId: string) => `${sku}@${locationId}`;

/** Everything replenishment reads from PostgreSQL at the moment a run plans, in one consistent snapshot per table. */
export async function readNetworkStock(db: Database): Promise<NetworkStock> {
  const [locationRows, productRows, levelRows, settingRows, inbound] = await Promise.all([
    db.select({ id: locations.id, kind: locations.kind, currency: locations.currency }).from(locations).where(eq(locations.active, true)),
    db.select({ sku: products.sku, createdAt: products.createdAt, currency: products.currency }).from(products).where(eq(products.active, true)),
    db.select({ sku: inventoryLevels.sku, locationId: inventoryLevels.locationId, onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved }).from(inventoryLevels),
    db.select().from(replenishmentSettings),
    inboundBySkuLocation(db),
  ]);
  const activeLocations = new Map(locationRows.map((l) => [l.id, { kind: l.kind, currency: l.currency }]));
  const activeProducts = new Map(productRows.map((p) => [p.sku, { createdDay: p.createdAt.toISOString().slice(0, 10), currency: p.currency }]));
  const cells = new Map<string, StockCell>();
  const cell = (sku: string, locationId: string) => {
    const key = cellKey(sku, locationId);
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { sku, locationId, available: 0, inbound: 0, nextInboundDate: null }));
    return found;
  };
  for (const level of levelRows) {
    if (!activeLocations.has(level.locationId) || !activeProducts.has(level.sku)) continue;
    cell(level.sku, level.locationId).available = level.onHand - level.reserved;
  }
  for (const row of inbound) {
    if (!activeLocations.has(row.locationId) || !activeProducts.has(row.sku)) continue;
    const c = cell(row.sku, row.locationId);
    c.inbound = row.onOrder + row.inTransit + row.transferRequestedIn;
    // Stock promised to another location is not this location's to plan with.
    c.available -= row.transferRequestedOut;
    c.nextInboundDate = row.nextExpectedAt ? row.nextExpectedAt.slice(0, 10) : null;
  }
  const settings = new Map(
    settingRows.map((s) => [cellKey(s.sku, s.locationId), { serviceLevel: s.serviceLevel, reviewPeriodDays: s.reviewPeriodDays, leadTimeDays: s.leadTimeDays, active: s.active }]),
  );
  return { locations: activeLocations, products: activeProducts, cells, settings };
}

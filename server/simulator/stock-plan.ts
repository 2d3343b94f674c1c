import type { Business } from './business.ts';
import type { SimulatedOrder } from './daily-orders.ts';
import type { SimLocation } from './locations.ts';

/** Units of one SKU on hand at one location (by code): a POST /api/inventory/adjustments receipt. */
export interface StockLevel {
  sku: string;
  locationCode: string;
  onHand: number;
}

/** Average units a day per SKU over a stretch of generated orders (declined ones never ship). */
export function dailyUnitsBySku(orders: readonly SimulatedOrder[], days: number): Map<string, number> {
  const units = new Map<string, number>();
  for (const order of orders) {
    if (order.fate.declined) continue;
    for (const line of order.draft.lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity / days);
  }
  return units;
}

export interface StockPolicy {
  /** Days of demand the network holds after a receipt. */
  coverDays: number;
  /** Days of demand a store keeps for its counter and its neighbourhood. */
  storeCoverDays: number;
}

export const defaultStockPolicy: StockPolicy = { coverDays: 35, storeCoverDays: 7 };

function shipping(locations: readonly SimLocation[]): SimLocation[] {
  return locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl');
}

/**
 * Opening stock: warehouses and the 3PL share the network's cover by their capacity, stores keep a
 * week of their share, the drop-ship vendor holds what it ships. Every SKU gets at least a unit
 * somewhere, so slow movers are sold rather than refused.
 */
export function initialStock(business: Business, dailyUnits: ReadonlyMap<string, number>, policy: StockPolicy = defaultStockPolicy): StockLevel[] {
  const centres = shipping(business.locations);
  const stores = business.locations.filter((l) => l.kind === 'store');
  const centreCapacity = centres.reduce((n, l) => n + l.dailyCapacity, 0);
  const storeCapacity = stores.reduce((n, l) => n + l.dailyCapacity, 0);
  const levels: StockLevel[] = [];
  for (const product of business.products) {
    const perDay = dailyUnits.get(product.sku) ?? 0;
    if (product.dropshipVendorCode !== null) {
      levels.push({ sku: product.sku, locationCode: product.dropshipVendorCode, onHand: Math.max(5, Math.ceil(perDay * policy.coverDays * 2)) });
      continue;
    }
    for (const centre of centres) {
      levels.push({ sku: product.sku, locationCode: centre.code, onHand: Math.max(1, Math.ceil((perDay * policy.coverDays * centre.dailyCapacity) / centreCapacity)) });
    }
    // Stores carry what sells; the storeroom is too small for the long tail.
    if (perDay * policy.storeCoverDays < stores.length) continue;
    for (const store of stores) {
      levels.push({ sku: product.sku, locationCode: store.code, onHand: Math.ceil((perDay * policy.storeCoverDays * store.dailyCapacity) / storeCapacity) });
    }
  }
  return levels;
}

/**
 * What to receive at a location today under a reorder-point policy: when the units on hand cover
 * fewer than `reorderDays` of its share of demand, order back up to `coverDays`. The driver sends
 * these through the receipt path (today an inventory adjustment with reason receipt).
 */
export function restockReceipts(current: readonly StockLevel[], share: ReadonlyMap<string, number>, dailyUnits: ReadonlyMap<string, number>, reorderDays: number, coverDays: number): StockLevel[] {
  const receipts: StockLevel[] = [];
  for (const level of current) {
    const perDay = (dailyUnits.get(level.sku) ?? 0) * (share.get(level.locationCode) ?? 0);
    if (perDay <= 0 || level.onHand >= perDay * reorderDays) continue;
    receipts.push({ sku: level.sku, locationCode: level.locationCode, onHand: Math.ceil(perDay * coverDays) - level.onHand });
  }
  return receipts;
}

import type { Business } from './business.ts';
import type { SimulatedOrder } from './daily-orders.ts';
import type { UnitDemand } from './expected-demand.ts';
import type { LocationKind, SimLocation } from './locations.ts';

/** Units of one SKU at one location (by code): on hand, a position, or a quantity to receive or order. */
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
  /**
   * Standard deviations of demand over the lead time (and the day until the next review) held
   * as safety stock: 2 runs dry in about one replenishment cycle in 40 where demand is normal.
   */
  safetyFactor: number;
}

export const defaultStockPolicy: StockPolicy = { coverDays: 35, storeCoverDays: 7, safetyFactor: 2 };

/** The most units Tower takes in one purchase order line or adjustment. */
const MAX_QUANTITY = 1_000_000;
/** Stores sell about this share of what the network sells (store channel and pickups). */
const STORE_SHARE = 0.15;

function shipping(locations: readonly SimLocation[]): SimLocation[] {
  return locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl');
}

/**
 * The share of a SKU's network demand each location serves, by code: warehouses and the 3PL by
 * capacity, stores a small part by theirs, the drop-ship vendor all of its own products.
 */
export function demandShares(business: Business): Map<string, number> {
  const capacity = (kinds: readonly LocationKind[]) => business.locations.filter((l) => kinds.includes(l.kind)).reduce((n, l) => n + l.dailyCapacity, 0);
  const centres = capacity(['warehouse', '3pl']);
  const stores = capacity(['store']);
  const shares = new Map<string, number>();
  for (const l of business.locations) {
    if (l.kind === 'dropship') shares.set(l.code, 1);
    else if (l.kind === 'store') shares.set(l.code, (STORE_SHARE * l.dailyCapacity) / stores);
    else shares.set(l.code, ((1 - STORE_SHARE) * l.dailyCapacity) / centres);
  }
  return shares;
}

/** Units a level holds against a share of demand: its mean over the cover plus safety stock for its spread. */
function coverFor(demand: UnitDemand, share: number, coverDays: number, protectDays: number, safetyFactor: number): number {
  return demand.mean * share * coverDays + safetyFactor * Math.sqrt(demand.variance * share * protectDays);
}

/**
 * Opening stock from a SKU's expected daily demand: warehouses and the 3PL share the network's
 * cover by their capacity, plus safety stock for demand over the lead time (`leadTimeDays`); stores
 * keep a week of their share of every SKU (customers pick up anything the vendor does not ship);
 * the drop-ship vendor holds what it ships. Every level holds at least a unit.
 */
export function initialStock(business: Business, daily: ReadonlyMap<string, UnitDemand>, policy: StockPolicy = defaultStockPolicy, leadTimeDays: (sku: string) => number = () => 0): StockLevel[] {
  const centres = shipping(business.locations);
  const stores = business.locations.filter((l) => l.kind === 'store');
  const shares = demandShares(business);
  const centreCapacity = centres.reduce((n, l) => n + l.dailyCapacity, 0);
  const levels: StockLevel[] = [];
  for (const product of business.products) {
    const demand = daily.get(product.sku) ?? { mean: 0, variance: 0 };
    if (product.dropshipVendorCode !== null) {
      levels.push({ sku: product.sku, locationCode: product.dropshipVendorCode, onHand: Math.max(5, Math.ceil(demand.mean * policy.coverDays * 2)) });
      continue;
    }
    const protectDays = leadTimeDays(product.sku) + 1;
    for (const centre of centres) {
      const share = centre.dailyCapacity / centreCapacity;
      levels.push({ sku: product.sku, locationCode: centre.code, onHand: Math.max(1, Math.ceil(coverFor(demand, share, policy.coverDays, protectDays, policy.safetyFactor))) });
    }
    // Stores carry the whole assortment (a pickup may ask for any of it), a week of their share each.
    for (const store of stores) {
      levels.push({ sku: product.sku, locationCode: store.code, onHand: Math.max(1, Math.ceil(coverFor(demand, shares.get(store.code)!, policy.storeCoverDays, protectDays, policy.safetyFactor))) });
    }
  }
  return levels;
}

/** What a SKU's next purchase must cover, network-wide: demand until it can arrive, and the cycle after. */
export interface Coverage {
  /** Demand over the lead time and the day until the next review. */
  protect: UnitDemand;
  /** Expected units over the days one purchase is meant to last. */
  cycle: number;
}

/**
 * A periodic-review (s, S) policy on each level's position (available plus on order): when the
 * position falls under s = mean demand over the lead time and review + `safetyFactor` standard
 * deviations of it, order up to S = s + the cycle's expected demand. Demand is the level's share
 * of the network's. Answers the quantities to order.
 */
export function reorderQuantities(positions: readonly StockLevel[], share: ReadonlyMap<string, number>, coverage: (sku: string) => Coverage | undefined, safetyFactor: number): StockLevel[] {
  const orders: StockLevel[] = [];
  for (const level of positions) {
    const s = share.get(level.locationCode) ?? 0;
    const c = coverage(level.sku);
    if (s <= 0 || !c || c.protect.mean <= 0) continue;
    const reorderPoint = c.protect.mean * s + safetyFactor * Math.sqrt(c.protect.variance * s);
    if (level.onHand >= reorderPoint) continue;
    const quantity = Math.min(MAX_QUANTITY, Math.ceil(reorderPoint + c.cycle * s - level.onHand));
    if (quantity > 0) orders.push({ sku: level.sku, locationCode: level.locationCode, onHand: quantity });
  }
  return orders;
}

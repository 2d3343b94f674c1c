import type { Database, Executor } from '#db/client.ts';
import { sql } from 'drizzle-orm';
import { planAllocations, type AllocationPlan } from '#server/inventory/allocation-plan.ts';
import type { LocatedStock } from '#server/inventory/reserve-stock.ts';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import type { SourcingDecision, SourcingLine, SourcingLocation } from '#server/sourcing/sourcing.types.ts';
import { toAllocationPlan } from '#server/sourcing/to-allocation-plan.ts';
import { locationsOf, type OrderContext } from './order-context.ts';
import type { PlaceOrderInput } from './order.schemas.ts';
import type { PricedOrder } from './pricing.ts';

export interface SourcedOrder {
  plan: AllocationPlan;
  /** The sourcing engine's decision with its log; null when the order has no coordinates to ship to. */
  decision: SourcingDecision | null;
}

/**
 * Where an order's units come from: the sourcing engine (server/sourcing) on the stock given
 * (an unlocked read, or rows locked for the order), within today's remaining capacity of each
 * location. An address without coordinates cannot be costed by distance: those orders are
 * served from the locations with the most stock, as before sourcing existed.
 *
 * Location eligibility follows the kind until locations carry their own flags: every kind
 * but drop-ship vendors ships parcels, and stores hand out pickups. A product with a drop-ship
 * vendor goes to that vendor (a vendor order it ships itself), from the stock the vendor
 * reports through inventory adjustments like any location.
 */
export function sourceOrder(
  input: PlaceOrderInput,
  reference: OrderContext,
  priced: PricedOrder,
  stock: readonly LocatedStock[],
  placedAt: Date,
  shipmentsToday: ReadonlyMap<string, number>,
  policy: SourcingPolicy,
): SourcedOrder {
  const pickup = reference.pickupLocation;
  const address = input.shippingAddress;
  const usable = pickup ? stock.filter((s) => s.locationId === pickup.id) : stock;
  if (!pickup && (address?.lat === undefined || address.lon === undefined)) {
    const demand = input.lines.map((line, lineIndex) => ({ lineIndex, sku: line.sku, quantity: line.quantity }));
    return { plan: planAllocations(demand, [...usable], null), decision: null };
  }
  const locations = sourcingLocations(usable, shipmentsToday);
  const lines: SourcingLine[] = input.lines.map((line, lineIndex) => {
    const product = reference.products.get(line.sku)!;
    const { lengthMm, widthMm, heightMm } = product;
    return {
      lineIndex,
      sku: line.sku,
      quantity: line.quantity,
      unitWeightGrams: product.weightGrams,
      unitPriceCents: priced.lines[lineIndex]!.unitPriceCents,
      dimensionsMm: lengthMm !== null && widthMm !== null && heightMm !== null ? { lengthMm, widthMm, heightMm } : null,
      dropShipVendorId: product.dropshipVendorId,
    };
  });
  const decision = chooseSources(
    {
      lines,
      fulfilment: pickup ? { method: 'pickup', storeId: pickup.id } : { method: 'ship', destination: { lat: address!.lat!, lon: address!.lon! } },
      service: input.delivery.service,
      placedAt,
      locations,
      availability: usable.map((s) => ({ sku: s.sku, locationId: s.locationId, available: s.available })),
    },
    policy,
  );
  return { plan: toAllocationPlan(decision), decision };
}

/**
 * The locations of the stock rows as sourcing sees them, with what is left of today's
 * capacity and what each may do for customers (ship, hand out pickups).
 */
export function sourcingLocations(stock: readonly LocatedStock[], shipmentsToday: ReadonlyMap<string, number>): SourcingLocation[] {
  return locationsOf(stock).map((l) => ({
    id: l.id,
    kind: l.kind,
    lat: l.lat,
    lon: l.lon,
    pickCostCents: l.pickCostCents,
    packCostCents: l.packCostCents,
    remainingDailyCapacity: Math.max(0, l.dailyCapacity - (shipmentsToday.get(l.id) ?? 0)),
    shipsToCustomers: l.shipsToCustomers,
    offersPickup: l.offersPickup,
    active: true,
  }));
}

const DAY_MS = 86_400_000;

/** Shipments each location took on the UTC day of `now`: the capacity already used that day. */
export async function countShipmentsToday(db: Executor, now: Date): Promise<Map<string, number>> {
  const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  // Bounded on both sides: a day dated in the past (x-tower-as-of) must not count the days after it.
  const result = await db.execute<{ location_id: string; n: number }>(sql`
    select location_id, count(*)::int as n from shipments
    where created_at >= ${new Date(dayStart).toISOString()}::timestamptz and created_at < ${new Date(dayStart + DAY_MS).toISOString()}::timestamptz
    group by location_id`);
  return new Map(result.rows.map((r) => [r.location_id, r.n]));
}

const REFRESH_MS = 10_000;
/**
 * And at most once a second of real time: a backfill moves `now` through a day in seconds, and
 * counting after every few orders read a day's shipments 15 times a second (1,600 buffers each,
 * 0.15 counts an order).
 */
const MIN_REAL_INTERVAL_MS = 1_000;
interface DayCount {
  day: number;
  counts: Map<string, number>;
  at: number;
  /** performance.now() when the last count started. */
  startedAt: number;
  refreshing: boolean;
}
const loads = new WeakMap<Database, DayCount>();

/**
 * Shipments each location took on the UTC day of `now`, as last counted: sourcing's view of
 * the capacity already used. Counted in the background at most every 10 s of `now` and every
 * second of real time, so an order never waits for it; between counts, a location may take a
 * few more than its capacity. Another day (a backfill moving through history) starts from
 * nothing until it is counted, which it is at once.
 */
export function shipmentsToday(db: Database, now: Date): ReadonlyMap<string, number> {
  const day = Math.floor(now.getTime() / DAY_MS);
  let load = loads.get(db);
  if (!load || (load.day !== day && !load.refreshing)) loads.set(db, (load = { day, counts: new Map(), at: -Infinity, startedAt: -Infinity, refreshing: false }));
  // Either way round: dated requests may go back in time. A new day is counted at once.
  const due = Math.abs(now.getTime() - load.at) >= REFRESH_MS && (load.at === -Infinity || performance.now() - load.startedAt >= MIN_REAL_INTERVAL_MS);
  if (!load.refreshing && due) {
    const entry = load;
    entry.refreshing = true;
    entry.startedAt = performance.now();
    countShipmentsToday(db, now)
      .then((counts) => {
        entry.counts = counts;
        entry.at = now.getTime();
      })
      // Counted again on a later order; meanwhile the last counts stand.
      .catch(() => undefined)
      .finally(() => (entry.refreshing = false));
  }
  return load.day === day ? load.counts : new Map();
}

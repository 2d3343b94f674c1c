import { CASE_QUANTITIES, CONSUMER_QUANTITIES, CONSUMER_QUANTITY_WEIGHTS, EXTRA_LINES, SAME_CATEGORY_CHANCE } from './baskets.ts';
import type { Business } from './business.ts';
import type { SimProduct } from './catalog.ts';
import { addDays, type Day } from './calendar.ts';
import { expectedOrders, STORE_PICKUP_SHARE } from './daily-orders.ts';
import type { DemandModel } from './demand-model.ts';
import { channels, type Channel } from './order-body.ts';
import { activePromotions } from './promotions.ts';
import type { Scenario } from './scenario.ts';

/** Units of one SKU a day: their expectation and variance (network-wide). */
export interface UnitDemand {
  mean: number;
  variance: number;
}

/** E[1 + min(max - 1, Poisson(mean))]: the lines of a basket. */
function meanLines(channel: Channel): number {
  const { mean, max } = EXTRA_LINES[channel];
  let p = Math.exp(-mean);
  let expected = 0;
  let below = 0;
  for (let k = 0; k < max - 1; k++) {
    expected += k * p;
    below += p;
    p = (p * mean) / (k + 1);
  }
  return 1 + expected + (max - 1) * (1 - below);
}

function quantityMoments(channel: Channel): { mean: number; square: number } {
  if (channel === 'b2b') {
    return { mean: CASE_QUANTITIES.reduce((n, q) => n + q, 0) / CASE_QUANTITIES.length, square: CASE_QUANTITIES.reduce((n, q) => n + q * q, 0) / CASE_QUANTITIES.length };
  }
  const total = CONSUMER_QUANTITY_WEIGHTS.reduce((n, w) => n + w, 0);
  const moment = (power: number) => CONSUMER_QUANTITIES.reduce((n, q, i) => n + q ** power * CONSUMER_QUANTITY_WEIGHTS[i]!, 0) / total;
  return { mean: moment(1), square: moment(2) };
}

/** Each product's chance to be drawn from a pool weighted by popularity. */
function shares(products: readonly SimProduct[]): Map<string, number> {
  const total = products.reduce((n, p) => n + p.popularity, 0);
  return new Map(products.map((p) => [p.sku, total > 0 ? p.popularity / total : 0]));
}

interface Pools {
  all: Map<string, number>;
  pickupable: Map<string, number>;
  byCategory: Map<string, Map<string, number>>;
  categoryOf: Map<string, string>;
}

const pools = new WeakMap<Business, Pools>();

function poolsOf(business: Business): Pools {
  let p = pools.get(business);
  if (!p) {
    const byCategory = new Map(business.categories.map((c) => [c.name, shares(business.products.filter((q) => q.category === c.name))]));
    p = {
      all: shares(business.products),
      pickupable: shares(business.products.filter((q) => q.dropshipVendorCode === null)),
      byCategory,
      categoryOf: new Map(business.products.map((q) => [q.sku, q.category])),
    };
    pools.set(business, p);
  }
  return p;
}

/** How likely a line is each SKU: the first drawn from the pool (or half the time a promoted category), the others half the time from the first's category. */
function lineShares(p: Pools, pool: Map<string, number>, promotedCategory: string | null, lines: number): Map<string, number> {
  const promoted = promotedCategory ? p.byCategory.get(promotedCategory) : undefined;
  const first = new Map<string, number>();
  for (const [sku, share] of pool) first.set(sku, promoted ? 0.5 * share + 0.5 * (promoted.get(sku) ?? 0) : share);
  const categoryMass = new Map<string, number>();
  for (const [sku, share] of first) categoryMass.set(p.categoryOf.get(sku)!, (categoryMass.get(p.categoryOf.get(sku)!) ?? 0) + share);
  const perLine = new Map<string, number>();
  for (const [sku, share] of pool) {
    const category = p.categoryOf.get(sku)!;
    const later = (1 - SAME_CATEGORY_CHANCE) * share + SAME_CATEGORY_CHANCE * (categoryMass.get(category) ?? 0) * (p.byCategory.get(category)?.get(sku) ?? 0);
    perLine.set(sku, (first.get(sku)! + (lines - 1) * later) / lines);
  }
  return perLine;
}

/**
 * What the order generator (daily-orders.ts, baskets.ts) sells of each SKU on a day, in
 * expectation rather than by sampling: orders per channel × lines × units, spread by popularity.
 * Lines of a SKU arrive as a Poisson stream, so the day's units have variance lines × E[q²]:
 * a business buying in cases of up to 48 makes a slow SKU's demand lumpy.
 */
export function expectedDemand(business: Business, scenario: Scenario, model: DemandModel, day: Day): Map<string, UnitDemand> {
  const p = poolsOf(business);
  const demand = new Map<string, UnitDemand>(business.products.map((q) => [q.sku, { mean: 0, variance: 0 }]));
  for (const channel of channels) {
    const orders = expectedOrders(model, scenario, channel, day);
    if (orders <= 0) continue;
    const promotions = activePromotions(scenario.promotions, day, channel);
    const promotion = promotions.length > 0 ? promotions.reduce((a, b) => (b.uplift > a.uplift ? b : a)) : null;
    const lines = meanLines(channel);
    const q = quantityMoments(channel);
    const pickup = channel === 'store' ? STORE_PICKUP_SHARE : 0;
    for (const [pool, share] of [
      [p.all, 1 - pickup],
      [p.pickupable, pickup],
    ] as const) {
      if (share <= 0) continue;
      for (const [sku, chance] of lineShares(p, pool, promotion?.category ?? null, lines)) {
        const rate = orders * share * lines * chance;
        const d = demand.get(sku)!;
        d.mean += rate * q.mean;
        d.variance += rate * q.square;
      }
    }
  }
  return demand;
}

/** Expected demand summed over `days` days from `from`: what a purchase must cover until the next one arrives. */
export function demandOver(demandOn: (day: Day) => ReadonlyMap<string, UnitDemand>, from: Day, days: number): Map<string, UnitDemand> {
  const total = new Map<string, UnitDemand>();
  for (let i = 0; i < days; i++) {
    for (const [sku, d] of demandOn(addDays(from, i))) {
      const t = total.get(sku) ?? { mean: 0, variance: 0 };
      t.mean += d.mean;
      t.variance += d.variance;
      total.set(sku, t);
    }
  }
  return total;
}

import type { Business } from './business.ts';
import type { SimProduct } from './catalog.ts';
import type { Channel } from './order-body.ts';
import { weightedTable, type Random, type WeightedTable } from './random.ts';

export interface BasketLine {
  sku: string;
  quantity: number;
  product: SimProduct;
}

interface BasketTables {
  all: WeightedTable<SimProduct>;
  /** Without drop-ship products: a store counter cannot hand out what a vendor ships. */
  pickupable: WeightedTable<SimProduct>;
  byCategory: Map<string, WeightedTable<SimProduct>>;
}

const tables = new WeakMap<Business, BasketTables>();

function basketTables(business: Business): BasketTables {
  let t = tables.get(business);
  if (!t) {
    const byPopularity = (p: SimProduct) => p.popularity;
    const byCategory = new Map<string, WeightedTable<SimProduct>>();
    for (const c of business.categories) {
      const products = business.products.filter((p) => p.category === c.name);
      if (products.length > 0) byCategory.set(c.name, weightedTable(products, byPopularity));
    }
    t = {
      all: weightedTable(business.products, byPopularity),
      pickupable: weightedTable(business.products.filter((p) => p.dropshipVendorCode === null), byPopularity),
      byCategory,
    };
    tables.set(business, t);
  }
  return t;
}

/** Extra lines beyond the first (Poisson mean) and the most lines a basket holds. */
export const EXTRA_LINES: Record<Channel, { mean: number; max: number }> = {
  web: { mean: 0.7, max: 6 },
  marketplace: { mean: 0.3, max: 4 },
  store: { mean: 0.6, max: 6 },
  phone: { mean: 0.9, max: 6 },
  b2b: { mean: 4, max: 20 },
};
export const CASE_QUANTITIES = [6, 12, 12, 24, 24, 48];
/** Units a consumer buys of a line, and how often. */
export const CONSUMER_QUANTITIES = [1, 2, 3];
export const CONSUMER_QUANTITY_WEIGHTS = [85, 11, 4];
// A second item usually comes from the same aisle as the first.
export const SAME_CATEGORY_CHANCE = 0.5;

export interface BasketOptions {
  pickup: boolean;
  /** A promoted category draws the first line this often. */
  promotedCategory: string | null;
}

export function sampleBasket(business: Business, channel: Channel, options: BasketOptions, random: Random): BasketLine[] {
  const t = basketTables(business);
  const pool = options.pickup ? t.pickupable : t.all;
  const size = 1 + Math.min(EXTRA_LINES[channel].max - 1, random.poisson(EXTRA_LINES[channel].mean));
  const lines: BasketLine[] = [];
  const seen = new Set<string>();
  // Tower refuses a repeated SKU, so a duplicate draw is retried a few times, then dropped.
  for (let attempt = 0; lines.length < size && attempt < size * 4; attempt++) {
    let table = pool;
    if (lines.length === 0 && options.promotedCategory && random.chance(0.5)) table = t.byCategory.get(options.promotedCategory) ?? pool;
    else if (lines.length > 0 && random.chance(SAME_CATEGORY_CHANCE)) table = t.byCategory.get(lines[0]!.product.category) ?? pool;
    const product = table.sample(random);
    if (seen.has(product.sku) || (options.pickup && product.dropshipVendorCode !== null)) continue;
    seen.add(product.sku);
    const quantity = channel === 'b2b' ? random.pick(CASE_QUANTITIES) : random.pickWeighted(CONSUMER_QUANTITIES, CONSUMER_QUANTITY_WEIGHTS);
    lines.push({ sku: product.sku, quantity, product });
  }
  return lines;
}

import { categorySpecs, type CategorySpec } from './categories.ts';
import type { Random } from './random.ts';

/** A simulated product: the fields of Tower's POST /api/products, plus how it sells. */
export interface SimProduct {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  currency: 'USD';
  weightGrams: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  backorderable: boolean;
  /** Code of the drop-ship location that ships it, or null when Tower's own stock does. */
  dropshipVendorCode: string | null;
  /** Relative demand: a long tail, a few products sell far more than most. */
  popularity: number;
  /** Share of sold units that come back (the category's rate). */
  returnRate: number;
}

const COLOURS = ['Black', 'Navy', 'Olive', 'Sand', 'Charcoal', 'White', 'Rust', 'Sky'];
// Bulky goods cost and weigh several times what their category usually does.
const BULKY_PRICE_FACTOR = 6;
const BULKY_WEIGHT_FACTOR = 10;

/** Prices end in .99 like shelf prices; never below $1.99. */
function shelfPrice(cents: number): number {
  return Math.max(199, Math.round(cents / 100) * 100 - 1);
}

function productsOf(spec: CategorySpec, random: Random, dropshipVendorCode: string): SimProduct[] {
  const bulkyCount = Math.round(spec.count * spec.dropshipShare);
  const ordinaryNouns = bulkyCount > 0 ? spec.nouns.slice(0, -2) : spec.nouns;
  const bulkyNouns = spec.nouns.slice(-2);
  const products: SimProduct[] = [];
  for (let i = 0; i < spec.count; i++) {
    const bulky = i >= spec.count - bulkyCount;
    const noun = random.pick(bulky ? bulkyNouns : ordinaryNouns);
    const coloured = spec.name === 'apparel' || spec.name === 'footwear';
    const name = `${random.pick(spec.adjectives)} ${noun}${coloured ? ` – ${random.pick(COLOURS)}` : ''}`;
    // Bulky goods vary less around their (higher) median than the category's small items do.
    const price = bulky ? random.lognormal(Math.log(spec.medianPriceCents * BULKY_PRICE_FACTOR), 0.35) : random.lognormal(Math.log(spec.medianPriceCents), spec.priceSigma);
    const weight = bulky ? random.lognormal(Math.log(spec.medianWeightGrams * BULKY_WEIGHT_FACTOR), 0.3) : random.lognormal(Math.log(spec.medianWeightGrams), spec.weightSigma);
    const [minSide, maxSide] = spec.sideMm;
    const sides = [0, 1, 2].map(() => random.int(minSide, maxSide) * (bulky ? 2 : 1)).sort((a, b) => b - a);
    products.push({
      sku: `${spec.skuPrefix}-${String(i + 1).padStart(4, '0')}`,
      name,
      category: spec.name,
      priceCents: shelfPrice(price),
      currency: 'USD',
      weightGrams: Math.min(2_000_000, Math.max(20, Math.round(weight))),
      lengthMm: sides[0]!,
      widthMm: sides[1]!,
      heightMm: sides[2]!,
      backorderable: random.chance(spec.backorderableShare),
      dropshipVendorCode: bulky ? dropshipVendorCode : null,
      popularity: random.lognormal(0, 1),
      returnRate: spec.returnRate,
    });
  }
  return products;
}

export function createCatalog(random: Random, dropshipVendorCode: string, specs: readonly CategorySpec[] = categorySpecs): SimProduct[] {
  return specs.flatMap((spec) => productsOf(spec, random, dropshipVendorCode));
}

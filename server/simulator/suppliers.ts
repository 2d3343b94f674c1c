import type { Business } from './business.ts';
import { createRandom } from './random.ts';

/** A supplier the business buys a category from: Tower's POST /api/suppliers, plus what it sells. */
export interface SimSupplier {
  code: string;
  name: string;
  /** Days from a purchase order's submission to its receipt at the ship-to location. */
  leadTimeDays: number;
  category: string;
}

/** What the business pays a supplier for a SKU: a share of its shelf price, in cents. */
export interface SupplierTerms {
  supplierCode: string;
  sku: string;
  unitCostCents: number;
}

const NAMES: Record<string, string> = {
  apparel: 'Threadline Apparel Co.',
  footwear: 'Stridewell Footwear',
  electronics: 'Voltway Electronics Supply',
  home: 'Hearthstone Home Goods',
  beauty: 'Lumen Beauty Labs',
  toys: 'Brightbox Toys',
  sports: 'Summit Sports Wholesale',
  grocery: 'Pantry Direct Foods',
};

/**
 * One supplier per category (drop-shipped products are the vendor's own stock and are bought from
 * nobody): lead times of 2–9 days (grocery and beauty quick, electronics and home slow), costs at
 * 45–65 % of the shelf price. Computed from the seed alone.
 */
export function createSuppliers(business: Business): { suppliers: SimSupplier[]; terms: SupplierTerms[] } {
  const random = createRandom(business.seed, 'suppliers');
  const suppliers = business.categories.map((c) => {
    const slow = c.name === 'electronics' || c.name === 'home' || c.name === 'sports';
    const quick = c.name === 'grocery' || c.name === 'beauty';
    const leadTimeDays = quick ? random.int(2, 3) : slow ? random.int(5, 9) : random.int(3, 6);
    return { code: `SUP-${c.skuPrefix}`, name: NAMES[c.name] ?? `${c.name} supplier`, leadTimeDays, category: c.name };
  });
  const byCategory = new Map(suppliers.map((s) => [s.category, s]));
  const terms = business.products
    .filter((p) => p.dropshipVendorCode === null)
    .map((p) => ({ supplierCode: byCategory.get(p.category)!.code, sku: p.sku, unitCostCents: Math.round(p.priceCents * random.uniform(0.45, 0.65)) }));
  return { suppliers, terms };
}

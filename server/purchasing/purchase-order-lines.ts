import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { products } from '#db/schema/catalog.ts';
import { supplierProducts } from '#db/schema/purchasing.ts';
import { ValidationError, type FieldError } from '#server/core/errors.ts';

export interface RequestedLine {
  sku: string;
  quantity: number;
  unitCostCents?: number | undefined;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  unitCostCents: number;
  leadTimeDays: number;
}

/**
 * Checks the lines of a purchase order against the catalog and the supplier's terms: each SKU
 * once, known, at a cost (the supplier's unless given), in whole case packs of at least the
 * minimum order quantity. Every complaint names its field (`lines.2.quantity`).
 */
export async function priceLines(tx: Executor, supplier: { id: string; leadTimeDays: number }, lines: RequestedLine[]): Promise<PricedLine[]> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const [known, terms] = await Promise.all([
    tx.select({ sku: products.sku }).from(products).where(inArray(products.sku, skus)),
    tx.select().from(supplierProducts).where(eq(supplierProducts.supplierId, supplier.id)),
  ]);
  const knownSkus = new Set(known.map((p) => p.sku));
  const termsBySku = new Map(terms.filter((t) => skus.includes(t.sku)).map((t) => [t.sku, t]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const priced = lines.map((line, i): PricedLine => {
    if (seen.has(line.sku)) errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is on an earlier line already` });
    seen.add(line.sku);
    if (!knownSkus.has(line.sku)) errors.push({ path: `lines.${i}.sku`, message: `no product has SKU ${line.sku}` });
    const own = termsBySku.get(line.sku);
    if (own && line.quantity % own.casePack !== 0) {
      errors.push({ path: `lines.${i}.quantity`, message: `must be a multiple of the case pack of ${own.casePack}` });
    } else if (own && line.quantity < own.minimumOrderQuantity) {
      errors.push({ path: `lines.${i}.quantity`, message: `must be at least the minimum order quantity of ${own.minimumOrderQuantity}` });
    }
    const unitCostCents = line.unitCostCents ?? own?.unitCostCents;
    if (unitCostCents === undefined) errors.push({ path: `lines.${i}.unitCostCents`, message: `is required: the supplier has no cost for ${line.sku}` });
    return { sku: line.sku, quantity: line.quantity, unitCostCents: unitCostCents ?? 0, leadTimeDays: own?.leadTimeDays ?? supplier.leadTimeDays };
  });
  if (errors.length > 0) throw new ValidationError(errors);
  return priced;
}

const DAY_MS = 86_400_000;

/** When the goods should arrive: the slowest line's lead time after `from`. */
export function expectedArrival(from: Date, lines: { leadTimeDays: number }[], fallbackDays: number): Date {
  const days = lines.length > 0 ? Math.max(...lines.map((l) => l.leadTimeDays)) : fallbackDays;
  return new Date(from.getTime() + days * DAY_MS);
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { supplierProducts, suppliers } from '#db/schema/purchasing.ts';
import type { Supplier, SupplierProduct, SupplierQuery } from './purchasing.schemas.ts';

type SupplierRow = typeof suppliers.$inferSelect;

export function supplierView(row: SupplierRow): Supplier {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function supplierProductView(row: typeof supplierProducts.$inferSelect, supplier: Pick<SupplierRow, 'currency' | 'leadTimeDays'>): SupplierProduct {
  return {
    supplierId: row.supplierId,
    sku: row.sku,
    unitCostCents: row.unitCostCents,
    currency: supplier.currency,
    leadTimeDays: row.leadTimeDays,
    effectiveLeadTimeDays: row.leadTimeDays ?? supplier.leadTimeDays,
    minimumOrderQuantity: row.minimumOrderQuantity,
    casePack: row.casePack,
    preferred: row.preferred,
    active: row.active,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function findSupplier(db: Executor, id: string): Promise<Supplier | undefined> {
  const [row] = await db.select().from(suppliers).where(eq(suppliers.id, id));
  return row && supplierView(row);
}

/** By code; the cursor is the last code of the previous page. */
export async function listSuppliers(db: Executor, query: SupplierQuery): Promise<{ items: Supplier[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.active) conditions.push(eq(suppliers.active, query.active === 'true'));
  if (query.sku) conditions.push(sql`exists (select 1 from supplier_products sp where sp.supplier_id = ${suppliers.id} and sp.sku = ${query.sku})`);
  if (query.cursor) conditions.push(gt(suppliers.code, query.cursor));
  const rows = await db
    .select()
    .from(suppliers)
    .where(and(...conditions))
    .orderBy(asc(suppliers.code))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(supplierView);
  return { items, nextCursor: rows.length > query.limit ? (items.at(-1)?.code ?? null) : null };
}

export async function listSupplierProducts(db: Executor, supplierId: string): Promise<SupplierProduct[]> {
  const rows = await db
    .select({ product: supplierProducts, supplier: { currency: suppliers.currency, leadTimeDays: suppliers.leadTimeDays } })
    .from(supplierProducts)
    .innerJoin(suppliers, eq(suppliers.id, supplierProducts.supplierId))
    .where(eq(supplierProducts.supplierId, supplierId))
    .orderBy(asc(supplierProducts.sku));
  return rows.map((r) => supplierProductView(r.product, r.supplier));
}

export interface PreferredSupplier {
  supplierId: string;
  unitCostCents: number;
  leadTimeDays: number;
  minimumOrderQuantity: number;
  casePack: number;
  /** The supplier's currency, which unitCostCents is in. */
  currency: string;
}

/**
 * The supplier to buy each SKU from: the one marked preferred, else the cheapest (then the
 * quickest, then by code), among active suppliers selling it actively. SKUs nobody sells are absent.
 */
export async function preferredSuppliers(db: Executor, skus: string[]): Promise<Map<string, PreferredSupplier>> {
  if (skus.length === 0) return new Map();
  const result = await db.execute<{
    sku: string;
    supplier_id: string;
    unit_cost_cents: number;
    lead_time_days: number;
    minimum_order_quantity: number;
    case_pack: number;
    currency: string;
  }>(sql`
    select distinct on (sp.sku) sp.sku, sp.supplier_id, sp.unit_cost_cents, coalesce(sp.lead_time_days, s.lead_time_days) as lead_time_days,
           sp.minimum_order_quantity, sp.case_pack, s.currency
    from supplier_products sp join suppliers s on s.id = sp.supplier_id
    where sp.sku = any(${sql.param(skus)}::text[]) and sp.active and s.active
    order by sp.sku, sp.preferred desc, sp.unit_cost_cents, coalesce(sp.lead_time_days, s.lead_time_days), s.code`);
  return new Map(
    result.rows.map((r) => [
      r.sku,
      {
        supplierId: r.supplier_id,
        unitCostCents: r.unit_cost_cents,
        leadTimeDays: r.lead_time_days,
        minimumOrderQuantity: r.minimum_order_quantity,
        casePack: r.case_pack,
        currency: r.currency,
      },
    ]),
  );
}

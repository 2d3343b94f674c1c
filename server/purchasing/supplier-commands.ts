import { and, eq, ne, sql } from 'drizzle-orm';
import { isUniqueViolation } from '#db/errors.ts';
import { products } from '#db/schema/catalog.ts';
import { supplierProducts, suppliers } from '#db/schema/purchasing.ts';
import { ConflictError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { supplierProductView, supplierView } from './supplier-queries.ts';
import type { CreateSupplierInput, Supplier, SupplierProduct, SupplierProductInput, UpdateSupplierInput } from './purchasing.schemas.ts';

export async function createSupplier(ctx: ServiceContext, input: CreateSupplierInput): Promise<Supplier> {
  const at = ctx.clock.now();
  try {
    const [row] = await ctx.db
      .insert(suppliers)
      .values({ ...input, email: input.email ?? null, createdAt: at, updatedAt: at })
      .returning();
    return supplierView(row!);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A supplier with code ${input.code} already exists`, [{ path: 'code', message: 'already exists' }]);
    throw error;
  }
}

export async function updateSupplier(ctx: ServiceContext, id: string, input: UpdateSupplierInput): Promise<Supplier> {
  const [row] = await ctx.db
    .update(suppliers)
    .set({ ...input, updatedAt: ctx.clock.now() })
    .where(eq(suppliers.id, id))
    .returning();
  if (!row) throw new NotFoundError(`Supplier ${id}`);
  return supplierView(row);
}

/**
 * What a supplier sells of a SKU and on which terms. Marking it preferred clears the flag on
 * the SKU's other suppliers in the same transaction (a unique index allows one).
 */
export async function setSupplierProduct(ctx: ServiceContext, supplierId: string, sku: string, input: SupplierProductInput): Promise<SupplierProduct> {
  const at = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [supplier] = await tx.select().from(suppliers).where(eq(suppliers.id, supplierId));
    if (!supplier) throw new NotFoundError(`Supplier ${supplierId}`);
    const [product] = await tx.select({ sku: products.sku }).from(products).where(eq(products.sku, sku));
    if (!product) throw ValidationError.field('sku', `no product has SKU ${sku}`);
    if (input.preferred) {
      // Serializes concurrent "preferred" changes of one SKU on its product row.
      await tx.execute(sql`select 1 from products where sku = ${sku} for update`);
      await tx
        .update(supplierProducts)
        .set({ preferred: false, updatedAt: at })
        .where(and(eq(supplierProducts.sku, sku), ne(supplierProducts.supplierId, supplierId), eq(supplierProducts.preferred, true)));
    }
    const values = { ...input, leadTimeDays: input.leadTimeDays ?? null, updatedAt: at };
    const [row] = await tx
      .insert(supplierProducts)
      .values({ supplierId, sku, ...values, createdAt: at })
      .onConflictDoUpdate({ target: [supplierProducts.supplierId, supplierProducts.sku], set: values })
      .returning();
    return supplierProductView(row!, supplier);
  });
}

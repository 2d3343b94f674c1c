import { eq, sql } from 'drizzle-orm';
import { products } from '#db/schema/catalog.ts';
import { NotFoundError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { toProduct } from './catalog-views.ts';
import { checkDropshipVendor } from './check-dropship-vendor.ts';
import type { Product, UpdateProductInput } from './catalog.schemas.ts';

/** Changes catalog data; orders already placed keep the price and name they were sold at. */
export async function updateProduct(ctx: ServiceContext, sku: string, input: UpdateProductInput): Promise<Product> {
  const [row] = await ctx.db.transaction(async (tx) => {
    await checkDropshipVendor(tx, input.dropshipVendorId);
    return tx
      .update(products)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(products.sku, sku))
      .returning();
  });
  if (!row) throw new NotFoundError(`Product ${sku}`);
  return toProduct(row);
}

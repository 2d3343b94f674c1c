import { products } from '#db/schema/catalog.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { ConflictError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { toProduct } from './catalog-views.ts';
import { checkDropshipVendor } from './check-dropship-vendor.ts';
import type { CreateProductInput, Product } from './catalog.schemas.ts';

export async function createProduct(ctx: ServiceContext, input: CreateProductInput): Promise<Product> {
  const occurredAt = ctx.clock.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      await checkDropshipVendor(tx, input.dropshipVendorId);
      const [row] = await tx.insert(products).values({ ...input, createdAt: occurredAt, updatedAt: occurredAt }).returning();
      if (!row) throw new Error('product insert returned nothing');
      await appendEvents(tx, [
        {
          type: EventType.productCreated,
          aggregateType: 'product',
          aggregateId: row.id,
          occurredAt,
          payload: { sku: row.sku, name: row.name, category: row.category, priceCents: row.priceCents, currency: row.currency },
        },
      ]);
      return toProduct(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A product with SKU ${input.sku} already exists`, [{ path: 'sku', message: 'already exists' }]);
    throw error;
  }
}

import { promotions } from '#db/schema/pricing.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { ConflictError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { toPromotion } from './catalog-queries.ts';
import type { CreatePromotionInput } from './catalog.schemas.ts';

export async function createPromotion(ctx: ServiceContext, input: CreatePromotionInput) {
  try {
    const [row] = await ctx.db
      .insert(promotions)
      .values({
        ...input,
        startsAt: input.startsAt ? new Date(input.startsAt) : null,
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
      })
      .returning();
    if (!row) throw new Error('promotion insert returned nothing');
    return toPromotion(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Promotion code ${input.code} is taken`, [{ path: 'code', message: 'already exists' }]);
    throw error;
  }
}

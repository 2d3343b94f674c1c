import { salesChannels, taxRates } from '#db/schema/pricing.ts';
import { eq } from 'drizzle-orm';
import { NotFoundError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import type { TaxRate } from './catalog.schemas.ts';

export async function setTaxRate(ctx: ServiceContext, input: TaxRate): Promise<TaxRate> {
  await ctx.db
    .insert(taxRates)
    .values(input)
    .onConflictDoUpdate({ target: [taxRates.country, taxRates.region], set: { ratePpm: input.ratePpm } });
  return input;
}

export async function updateSalesChannel(ctx: ServiceContext, code: (typeof salesChannels.$inferSelect)['code'], input: { allowBackorder: boolean }) {
  const [row] = await ctx.db.update(salesChannels).set(input).where(eq(salesChannels.code, code)).returning();
  if (!row) throw new NotFoundError(`Channel ${code}`);
  return row;
}

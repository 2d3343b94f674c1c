import { sql } from 'drizzle-orm';
import { returnPolicies } from '#db/schema/returns.ts';
import type { ServiceContext } from '#server/context.ts';

/** Sets how many days after delivery a category (or `*`, every other category) may be returned. */
export async function setReturnPolicy(ctx: Pick<ServiceContext, 'db'>, category: string, windowDays: number): Promise<{ category: string; windowDays: number }> {
  const [row] = await ctx.db
    .insert(returnPolicies)
    .values({ category, windowDays })
    .onConflictDoUpdate({ target: returnPolicies.category, set: { windowDays, updatedAt: sql`now()` } })
    .returning({ category: returnPolicies.category, windowDays: returnPolicies.windowDays });
  return row!;
}

export async function listReturnPolicies(ctx: Pick<ServiceContext, 'db'>): Promise<{ category: string; windowDays: number }[]> {
  return ctx.db.select({ category: returnPolicies.category, windowDays: returnPolicies.windowDays }).from(returnPolicies).orderBy(returnPolicies.category);
}

import { inArray } from 'drizzle-orm';
import { returnPolicies } from '#db/schema/returns.ts';
import type { Executor } from '#db/client.ts';

/** The window when neither the category nor the `*` row of return_policies says otherwise. */
export const DEFAULT_RETURN_WINDOW_DAYS = 30;
export const DEFAULT_POLICY_CATEGORY = '*';

const DAY_MS = 86_400_000;

/** Return windows in days for these categories: their own row, else the `*` row, else 30. */
export async function returnWindows(db: Executor, categories: string[]): Promise<Map<string, number>> {
  const result = await db
    .select({ category: returnPolicies.category, windowDays: returnPolicies.windowDays })
    .from(returnPolicies)
    .where(inArray(returnPolicies.category, [...categories, DEFAULT_POLICY_CATEGORY]));
  const rows = new Map(result.map((r) => [r.category, r.windowDays]));
  const fallback = rows.get(DEFAULT_POLICY_CATEGORY) ?? DEFAULT_RETURN_WINDOW_DAYS;
  return new Map(categories.map((c) => [c, rows.get(c) ?? fallback]));
}

/** The last moment a unit delivered at `deliveredAt` may still be returned. */
export function returnDeadline(deliveredAt: Date, windowDays: number): Date {
  return new Date(deliveredAt.getTime() + windowDays * DAY_MS);
}

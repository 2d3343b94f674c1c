import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/** The window when neither the category nor the `*` row of return_policies says otherwise. */
export const DEFAULT_RETURN_WINDOW_DAYS = 30;
export const DEFAULT_POLICY_CATEGORY = '*';

const DAY_MS = 86_400_000;

/** Return windows in days for these categories: their own row, else the `*` row, else 30. */
export async function returnWindows(db: Executor, categories: string[]): Promise<Map<string, number>> {
  const result = await db.execute<{ category: string; window_days: number }>(
    sql`select category, window_days from return_policies where category = any(${[...categories, DEFAULT_POLICY_CATEGORY]}::text[])`,
  );
  const rows = new Map(result.rows.map((r) => [r.category, r.window_days]));
  const fallback = rows.get(DEFAULT_POLICY_CATEGORY) ?? DEFAULT_RETURN_WINDOW_DAYS;
  return new Map(categories.map((c) => [c, rows.get(c) ?? fallback]));
}

/** The last moment a unit delivered at `deliveredAt` may still be returned. */
export function returnDeadline(deliveredAt: Date, windowDays: number): Date {
  return new Date(deliveredAt.getTime() + windowDays * DAY_MS);
}

/** The relative windows of `GET /api/kpis?window=`: the control tower's, by length. */
export const RELATIVE_WINDOWS_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;

export type RelativeWindow = keyof typeof RELATIVE_WINDOWS_MS;

export const RELATIVE_WINDOWS = Object.keys(RELATIVE_WINDOWS_MS) as [RelativeWindow, ...RelativeWindow[]];

/**
 * A relative window's [from, to) at `now`: it ends at the next whole minute (so what was just
 * placed is in), the rule web/lib/tower/tower-window.ts applies to the control tower's windows.
 */
export function resolveRelativeWindow(window: RelativeWindow, now: Date): { from: Date; to: Date } {
  const to = Math.ceil((now.getTime() + 1) / 60_000) * 60_000;
  return { from: new Date(to - RELATIVE_WINDOWS_MS[window]), to: new Date(to) };
}

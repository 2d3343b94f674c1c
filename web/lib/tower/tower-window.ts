import { withQuery } from '../api/client.ts';

/** The control tower's time windows: length and the timeseries step that gives ~24–48 points. */
export const WINDOWS = {
  '1h': { label: 'Last hour', ms: 3_600_000, step: '5m', stepMs: 300_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000, step: '1h', stepMs: 3_600_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, step: '6h', stepMs: 6 * 3_600_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, step: '1d', stepMs: 86_400_000 },
} as const;

export type WindowKey = keyof typeof WINDOWS;

/** The window the control tower opens on. */
export const DEFAULT_WINDOW: WindowKey = '24h';

/**
 * GET /api/kpis of a window ending now, as the server resolves it (to the next whole minute,
 * like windowRanges): the same URL on every load, so the page shell can preload the default one.
 */
export function currentKpisUrl(key: WindowKey, filters: Record<string, string> = {}): string {
  return withQuery('/api/kpis', { window: key, ...filters });
}

export interface Range {
  from: string;
  to: string;
}

/**
 * The current window ending now (to the next whole minute, so that what was just placed is in)
 * and the previous window of the same length, for trends. Series buckets start on whole steps.
 */
export function windowRanges(key: WindowKey, now: number): { current: Range; previous: Range; series: Range & { step: string } } {
  const spec = WINDOWS[key];
  const to = Math.ceil((now + 1) / 60_000) * 60_000;
  const from = to - spec.ms;
  const seriesTo = Math.ceil((now + 1) / spec.stepMs) * spec.stepMs;
  return {
    current: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    previous: { from: new Date(from - spec.ms).toISOString(), to: new Date(from).toISOString() },
    series: { from: new Date(seriesTo - spec.ms).toISOString(), to: new Date(seriesTo).toISOString(), step: spec.step },
  };
}

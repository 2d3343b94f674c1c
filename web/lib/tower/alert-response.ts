import type { AlertStats } from '../api/types.ts';
import type { Formatters } from '../format.ts';
import type { Tile } from './kpi-tiles.ts';

/** A span of seconds: "45 s", "12 min", "3.2 h". */
function span(seconds: number | null, format: Formatters): string {
  if (seconds === null) return '—';
  return seconds < 60 ? format.duration(seconds * 1000) : format.hours(seconds / 3600);
}

/**
 * The control tower's alert response tiles from `GET /api/alerts/stats` (the last 7 days): alerts
 * still live, and p50 time to acknowledge and to resolve with their p90 beside them.
 */
export function alertResponseTiles(stats: AlertStats, format: Formatters): Tile[] {
  const { overall } = stats;
  const ack = overall.timeToAcknowledgeSeconds;
  const resolve = overall.timeToResolveSeconds;
  const p90 = (value: number | null, count: number) => ({ text: value === null ? `${format.number(count)} so far` : `p90 ${span(value, format)} · ${format.number(count)}`, direction: 'flat' as const, good: null });
  return [
    { id: 'alerts-live', label: 'Alerts live', hint: 'Alerts opened in the last 7 days and not resolved', value: format.number(overall.open), trend: { text: `${format.number(overall.opened)} opened in 7 days`, direction: 'flat', good: null } },
    { id: 'alerts-ack', label: 'Time to acknowledge p50', hint: 'Median time from an alert opening to its first acknowledgement (7 days)', value: span(ack.p50, format), trend: p90(ack.p90, ack.count) },
    { id: 'alerts-resolve', label: 'Time to resolve p50', hint: 'Median time from an alert opening to its resolution (7 days)', value: span(resolve.p50, format), trend: p90(resolve.p90, resolve.count) },
  ];
}

import { fmt, type Formatters } from '../../lib/format.ts';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/**
 * "3 min ago", "2 hours ago", "just now" from an ISO moment and `now` (ms); a moment slightly
 * ahead of this browser's clock (the server's is a little ahead) is "just now" as well.
 */
export function relativeTime(iso: string | null | undefined, now: number, locale?: string): string {
  if (!iso) return '—';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return '—';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (seconds < 45) return format.format(0, 'second');
  for (const [unit, size] of UNITS) if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  return format.format(-seconds, 'second');
}

/** A span of seconds as the tower writes spans: "12.5 s", "8 min", "3.2 h", "2.1 d". */
export function formatSeconds(seconds: number | null | undefined, formats: Formatters = fmt): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  return seconds < 60 ? formats.duration(seconds * 1000) : formats.hours(seconds / 3600);
}

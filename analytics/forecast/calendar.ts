/** Period arithmetic on UTC calendar dates (YYYY-MM-DD) for the three frequencies. */
import type { Frequency } from './forecast.types.ts';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** UTC midnight of a YYYY-MM-DD (or YYYY-MM, the first of the month) date, or NaN when it is not one. */
export function parseDate(text: string): number {
  const match = DATE.exec(text.trim());
  if (!match) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), match[3] === undefined ? 1 : Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Reject 2026-02-30 and friends rather than rolling them over.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return Number.NaN;
  return ms;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `count` periods after `start`. */
export function addPeriods(start: string, frequency: Frequency, count: number): string {
  const ms = parseDate(start);
  if (Number.isNaN(ms)) throw new RangeError(`not a YYYY-MM-DD date: ${start}`);
  if (frequency === 'day') return formatDate(ms + count * DAY_MS);
  if (frequency === 'week') return formatDate(ms + count * 7 * DAY_MS);
  const d = new Date(ms);
  return formatDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count, 1));
}

/** Whole periods from `start` to `date` (floored for weeks). */
export function periodsBetween(start: string, date: string, frequency: Frequency): number {
  const a = parseDate(start);
  const b = parseDate(date);
  if (frequency === 'day') return Math.round((b - a) / DAY_MS);
  if (frequency === 'week') return Math.floor(Math.round((b - a) / DAY_MS) / 7);
  const da = new Date(a);
  const db = new Date(b);
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
}

/** The first day of the period holding `date` (months start on the 1st; days and weeks are as given). */
export function periodStart(date: string, frequency: Frequency): string {
  const ms = parseDate(date);
  if (frequency !== 'month') return formatDate(ms);
  const d = new Date(ms);
  return formatDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/**
 * The frequency of a set of dates, from the median gap between distinct dates: about a day,
 * a week, or a month (or every date on the 1st). One date, or none, is taken as daily.
 */
export function inferFrequency(dates: readonly string[]): Frequency {
  const times = [...new Set(dates.map(parseDate).filter((t) => !Number.isNaN(t)))].sort((a, b) => a - b);
  if (times.length < 2) {
    const only = dates[0]?.trim() ?? '';
    return /^\d{4}-\d{2}$/.test(only) ? 'month' : 'day';
  }
  const gaps = times.slice(1).map((t, i) => (t - times[i]!) / DAY_MS).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  if (median >= 27 && median <= 32) return 'month';
  if (times.every((t) => new Date(t).getUTCDate() === 1) && median >= 27) return 'month';
  if (median >= 5 && median <= 9) return 'week';
  if (median > 32) return 'month';
  return 'day';
}

export function defaultSeasonLength(frequency: Frequency): number {
  return frequency === 'day' ? 7 : frequency === 'week' ? 52 : 12;
}

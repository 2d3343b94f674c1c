/** Numbers, money and dates in the user's locale (the browser's; `locale` for tests). */
export interface Formatters {
  number(value: number | null | undefined, digits?: number): string;
  percent(value: number | null | undefined, digits?: number): string;
  money(cents: number | null | undefined, currency: string): string;
  hours(value: number | null | undefined): string;
  duration(ms: number | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  time(iso: string | Date): string;
  shortDate(iso: string | Date): string;
}

const DASH = '—';
const missing = (value: unknown): value is null | undefined => value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value));

export function formatters(locale?: string): Formatters {
  const cache = new Map<string, Intl.NumberFormat>();
  const nf = (key: string, options: Intl.NumberFormatOptions) => {
    let format = cache.get(key);
    if (!format) cache.set(key, (format = new Intl.NumberFormat(locale, options)));
    return format;
  };
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const shortDate = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  return {
    number: (value, digits = 0) => (missing(value) ? DASH : nf(`n${digits}`, { maximumFractionDigits: digits }).format(value)),
    percent: (value, digits = 1) => (missing(value) ? DASH : nf(`p${digits}`, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)),
    money: (cents, currency) => {
      if (missing(cents)) return DASH;
      const format = nf(`m${currency}`, { style: 'currency', currency });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(cents / 10 ** digits);
    },
    hours: (value) => {
      if (missing(value)) return DASH;
      const one = nf('h1', { maximumFractionDigits: 1 });
      if (value < 1) return `${nf('n0', { maximumFractionDigits: 0 }).format(value * 60)} min`;
      return value < 48 ? `${one.format(value)} h` : `${one.format(value / 24)} d`;
    },
    duration: (ms) => {
      if (missing(ms)) return DASH;
      if (ms < 1000) return `${nf('n0', { maximumFractionDigits: 0 }).format(ms)} ms`;
      return `${nf('h1', { maximumFractionDigits: 1 }).format(ms / 1000)} s`;
    },
    dateTime: (iso) => (missing(iso) ? DASH : dateTime.format(new Date(iso))),
    time: (iso) => time.format(new Date(iso)),
    shortDate: (iso) => shortDate.format(new Date(iso)),
  };
}

/** The app's formatters, in the browser's language. */
export const fmt = formatters((globalThis as { navigator?: { language?: string } }).navigator?.language);

/** `on_hold` → `On hold` */
export function humanize(slug: string): string {
  const text = slug.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

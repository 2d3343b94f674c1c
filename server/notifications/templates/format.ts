/** Formatting shared by the email templates: money with its currency, UTC times. */

const LOCALE = 'en-US';

/**
 * Integer minor units as money with its currency: `formatMoney(123456, 'USD')` is `$1,234.56`,
 * `formatMoney(500, 'JPY')` is `¥500`. Formatted from a decimal string, never a float.
 */
export function formatMoney(cents: number, currency: string): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an amount of minor units: ${cents}`);
  const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const magnitude = String(Math.abs(cents)).padStart(digits + 1, '0');
  const units = magnitude.slice(0, magnitude.length - digits);
  const fraction = digits > 0 ? `.${magnitude.slice(-digits)}` : '';
  const decimal = `${cents < 0 ? '-' : ''}${units}${fraction}`;
  // Intl.NumberFormat takes exact decimal strings (ES2023); the cast is for older lib typings.
  return format.format(decimal as unknown as number);
}

/** `Sunday, November 29, 2026 at 4:05 PM UTC`: customers read it, and UTC says so. */
export function formatDateTime(at: Date): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at) + ' UTC';
}

/** `Sunday, November 29, 2026` (UTC). */
export function formatDate(at: Date): string {
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'full', timeZone: 'UTC' }).format(at);
}

const carrierNames: Record<string, string> = { ups: 'UPS', fedex: 'FedEx', usps: 'USPS', dhl: 'DHL' };

/** A carrier's code (`ups`) as customers know it (`UPS`). */
export function carrierName(code: string): string {
  return carrierNames[code.toLowerCase()] ?? code.toUpperCase();
}

/** Money is integer minor units; these helpers never produce fractions of a cent. */

/** `amount × ratePpm / 1e6`, rounded half away from zero. */
export function applyRatePpm(amountCents: number, ratePpm: number): number {
  return roundedDivide(amountCents * ratePpm, 1_000_000);
}

/** `amount × percentBp / 10000`, rounded half away from zero. */
export function applyPercentBp(amountCents: number, percentBp: number): number {
  return roundedDivide(amountCents * percentBp, 10_000);
}

function roundedDivide(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator)) throw new RangeError(`amount out of range: ${numerator}`);
  const sign = numerator < 0 ? -1 : 1;
  const magnitude = Math.abs(numerator);
  return sign * Math.floor((magnitude * 2 + denominator) / (2 * denominator));
}

/**
 * Splits `totalCents` across `weights` in proportion, by largest remainder, so the parts
 * always add up to the total exactly (an order discount spread over its lines, say).
 */
export function allocateProportionally(totalCents: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  if (weights.length === 0) return [];
  if (weightSum === 0) return weights.map((_, i) => (i === 0 ? totalCents : 0));
  const exact = weights.map((w) => (totalCents * w) / weightSum);
  const parts = exact.map(Math.floor);
  let remainder = totalCents - parts.reduce((sum, p) => sum + p, 0);
  const order = exact.map((value, i) => ({ i, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of order) {
    if (remainder <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    remainder -= 1;
  }
  return parts;
}

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 codes as the runtime's ICU knows them. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

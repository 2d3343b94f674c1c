/**
 * z statistics for "is this rate higher than usual?", one-sided. Pure functions: the
 * payment-decline rule and later rate rules (returns, carrier exceptions) share them.
 */

/**
 * Two-proportion z-test with the pooled rate: how many standard errors the recent rate
 * (x1 of n1) lies above the baseline's (x2 of n2). 0 when either side is empty or the pooled
 * rate is 0 or 1 (no variance to measure against).
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 0;
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance <= 0) return 0;
  return (x1 / n1 - x2 / n2) / Math.sqrt(variance);
}

/** One-sample binomial z-test: the recent rate (x of n) against an expected rate p0 (0 < p0 < 1). */
export function oneProportionZ(x: number, n: number, p0: number): number {
  if (n <= 0 || p0 <= 0 || p0 >= 1) return 0;
  return (x / n - p0) / Math.sqrt((p0 * (1 - p0)) / n);
}

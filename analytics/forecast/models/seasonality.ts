/**
 * The M4 benchmarks' seasonal adjustment: a 90% autocorrelation test at lag m, then classical
 * decomposition (centred moving average; multiplicative on positive series, additive otherwise).
 */
export interface SeasonalAdjustment {
  multiplicative: boolean;
  /** Index of position t mod m. */
  indices: number[];
  adjusted: number[];
  /** Puts the season back on a forecast of the periods following a window of length n. */
  reseasonalize(forecast: readonly number[], n: number): number[];
}

/**
 * Season indices average recent periods only (six seasons, and at least 100 periods so that
 * short seasons still get enough samples): seasonality drifts over long histories.
 */
const RECENT_SEASONS = 6;
const RECENT_PERIODS = 100;

function autocorrelations(y: readonly number[], maxLag: number): number[] {
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v / n;
  let denominator = 0;
  for (const v of y) denominator += (v - mean) ** 2;
  const acf: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let s = 0;
    for (let t = k; t < n; t++) s += (y[t]! - mean) * (y[t - k]! - mean);
    acf.push(denominator === 0 ? 0 : s / denominator);
  }
  return acf;
}

export function isSeasonal(y: readonly number[], m: number): boolean {
  if (m < 2 || y.length < 3 * m) return false;
  const acf = autocorrelations(y, m);
  let sumSquares = 0;
  for (let k = 0; k < m - 1; k++) sumSquares += acf[k]! ** 2;
  const limit = 1.645 * Math.sqrt((1 + 2 * sumSquares) / y.length);
  return Math.abs(acf[m - 1]!) > limit;
}

function centredMovingAverage(y: readonly number[], m: number): number[] {
  const n = y.length;
  const out = new Array<number>(n).fill(Number.NaN);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 1) {
      for (let k = -half; k <= half; k++) s += y[t + k]!;
      out[t] = s / m;
    } else {
      for (let k = -half + 1; k <= half - 1; k++) s += y[t + k]!;
      s += 0.5 * (y[t - half]! + y[t + half]!);
      out[t] = s / m;
    }
  }
  return out;
}

export function seasonalAdjustment(y: readonly number[], m: number): SeasonalAdjustment | null {
  if (!isSeasonal(y, m)) return null;
  let multiplicative = y.every((v) => v > 0);
  const trend = centredMovingAverage(y, m);
  const build = (mult: boolean) => {
    const sums = new Array<number>(m).fill(0);
    const counts = new Array<number>(m).fill(0);
    for (let t = Math.max(0, y.length - Math.max(RECENT_SEASONS * m, RECENT_PERIODS) - m); t < y.length; t++) {
      const c = trend[t]!;
      if (!Number.isFinite(c) || (mult && c <= 0)) continue;
      sums[t % m]! += mult ? y[t]! / c : y[t]! - c;
      counts[t % m]!++;
    }
    const raw = sums.map((s, i) => (counts[i] === 0 ? (mult ? 1 : 0) : s / counts[i]!));
    const centre = raw.reduce((a, b) => a + b, 0) / m;
    return raw.map((v) => (mult ? v / centre : v - centre));
  };
  let indices = build(multiplicative);
  // A season position with (almost) no demand makes division meaningless: go additive.
  if (multiplicative && indices.some((v) => !(v > 0.05))) {
    multiplicative = false;
    indices = build(false);
  }
  if (indices.some((v) => !Number.isFinite(v))) return null;
  const adjusted = y.map((v, t) => (multiplicative ? v / indices[t % m]! : v - indices[t % m]!));
  return {
    multiplicative,
    indices,
    adjusted,
    reseasonalize: (forecast, n) => forecast.map((f, k) => (multiplicative ? f * indices[(n + k) % m]! : f + indices[(n + k) % m]!)),
  };
}

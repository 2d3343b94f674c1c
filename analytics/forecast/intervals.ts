/**
 * Prediction intervals from the chosen model's backtest errors at each horizon step: errors of
 * neighbouring steps are pooled until there are enough of them; with 20 or more the interval is
 * their empirical quantiles, with fewer a normal one on their root mean square, widened for the
 * small sample. Widths never shrink with the horizon; past the backtest's steps they grow as √h.
 */
export interface StepSpread {
  /** Offsets from the forecast: lower ≤ 0 ≤ upper. */
  lower: number;
  upper: number;
  /** Root mean square error: the sd used for safety stock. */
  sd: number;
}

const ENOUGH = 20;

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1 is needed, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function quantile(sorted: readonly number[], p: number): number {
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

function pooled(errors: readonly (readonly number[])[], step: number): number[] {
  const out = [...errors[step]!];
  for (let w = 1; out.length < ENOUGH && (step - w >= 0 || step + w < errors.length); w++) {
    if (step - w >= 0) out.push(...errors[step - w]!);
    if (step + w < errors.length) out.push(...errors[step + w]!);
  }
  return out;
}

/** `errors[k]` holds the actual − forecast errors at step k+1; returns one spread per step 1..horizon. */
export function spreadsFromErrors(errors: readonly (readonly number[])[], horizon: number, level: number): StepSpread[] | null {
  if (errors.length === 0 || errors.every((e) => e.length === 0)) return null;
  const z = normalQuantile((1 + level) / 2);
  const measured = errors.map((_, k) => {
    const sample = pooled(errors, k).sort((a, b) => a - b);
    const sd = Math.sqrt(sample.reduce((s, e) => s + e * e, 0) / sample.length);
    if (sample.length >= ENOUGH) {
      return { lower: Math.min(0, quantile(sample, (1 - level) / 2)), upper: Math.max(0, quantile(sample, (1 + level) / 2)), sd };
    }
    const widen = 1 + 2 / sample.length;
    return { lower: -z * sd * widen, upper: z * sd * widen, sd: sd * widen };
  });
  const spreads: StepSpread[] = [];
  let previous: StepSpread = { lower: 0, upper: 0, sd: 0 };
  for (let k = 0; k < horizon; k++) {
    const base = measured[Math.min(k, measured.length - 1)]!;
    const growth = k < measured.length ? 1 : Math.sqrt((k + 1) / measured.length);
    const current = { lower: Math.min(previous.lower, base.lower * growth), upper: Math.max(previous.upper, base.upper * growth), sd: Math.max(previous.sd, base.sd * growth) };
    spreads.push(current);
    previous = current;
  }
  return spreads;
}

/** A normal spread of a given sd, for histories too short to backtest. */
export function normalSpreads(sd: number, horizon: number, level: number, widen: (step: number) => number): StepSpread[] {
  const z = normalQuantile((1 + level) / 2);
  return Array.from({ length: horizon }, (_, k) => {
    const s = sd * widen(k + 1);
    return { lower: -z * s, upper: z * s, sd: s };
  });
}

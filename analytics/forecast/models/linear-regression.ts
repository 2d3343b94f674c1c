/**
 * Multivariate linear regression (ml-regression) of demand on a trend, season-position dummies,
 * recent lags, rolling means and the caller's regressors (promotions), forecast recursively: each
 * step's prediction feeds the lags of the next.
 */
import { MultivariateLinearRegression } from 'ml-regression';
import type { TrainingWindow } from '../training-window.ts';

const ROLLING: Record<TrainingWindow['frequency'], [number, number]> = { day: [7, 28], week: [4, 13], month: [3, 12] };

export function linearRegression(w: TrainingWindow, h: number): number[] | null {
  const { y, m } = w;
  const n = y.length;
  const [short, long] = ROLLING[w.frequency];
  const dummies = m >= 2 && m <= 12 ? m - 1 : 0;
  const lagSeason = m >= 2 && m <= 60;
  const regressors = Object.entries(w.regressors ?? {})
    .filter(([, r]) => r.length >= n + h && r.every((v) => Number.isFinite(v)))
    .filter(([, r]) => r.slice(0, n).some((v) => v !== r[0]))
    .map(([, r]) => r);
  const first = Math.max(long, lagSeason ? m : 1);
  const featureCount = 1 + dummies + 1 + (lagSeason ? 1 : 0) + 2 + regressors.length;
  if (n - first < Math.max(2 * featureCount + 10, 30)) return null;

  const x = new Float64Array(n + h);
  x.set(y);
  const features = (t: number): number[] => {
    const row = [t / n];
    for (let p = 1; p <= dummies; p++) row.push(t % m === p ? 1 : 0);
    row.push(x[t - 1]!);
    if (lagSeason) row.push(x[t - m]!);
    let s = 0;
    for (let k = 1; k <= long; k++) {
      s += x[t - k]!;
      if (k === short) row.push(s / short);
    }
    row.push(s / long);
    for (const r of regressors) row.push(r[t]!);
    return row;
  };
  const inputs: number[][] = [];
  const outputs: number[][] = [];
  for (let t = first; t < n; t++) {
    inputs.push(features(t));
    outputs.push([y[t]!]);
  }
  const model = new MultivariateLinearRegression(inputs, outputs, { intercept: true, statistics: false });
  let largest = 0;
  for (const v of y) largest = Math.max(largest, Math.abs(v));
  const forecast: number[] = [];
  for (let k = 0; k < h; k++) {
    let value = model.predict(features(n + k))[0]!;
    // Recursion can run away on a bad fit; keep it within the range the history makes plausible.
    if (!Number.isFinite(value)) return null;
    value = Math.max(w.nonNegative ? 0 : -3 * largest, Math.min(3 * largest, value));
    x[n + k] = value;
    forecast.push(value);
  }
  return forecast;
}

/**
 * The M4 "Theta" benchmark (Assimakopoulos & Nikolopoulos; Hyndman & Billah's SES-with-drift form):
 * SES on the seasonally adjusted series plus half the slope of its linear trend.
 */
import type { TrainingWindow } from '../training-window.ts';
import { fitSes, onAdjusted } from './exponential-smoothing.ts';

export function thetaForecast(y: readonly number[], h: number): number[] {
  const n = y.length;
  if (n < 3) return new Array<number>(h).fill(n === 0 ? 0 : y[n - 1]!);
  // OLS slope of y on t.
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (const v of y) yMean += v / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (y[t]! - yMean);
    sxx += (t - tMean) ** 2;
  }
  const drift = sxx === 0 ? 0 : sxy / sxx / 2;
  const { level, alpha } = fitSes(y);
  const tail = (1 - (1 - alpha) ** n) / alpha;
  return Array.from({ length: h }, (_, k) => level + drift * (k + tail));
}

export function theta(w: TrainingWindow, h: number): number[] {
  return onAdjusted(w, h, thetaForecast);
}

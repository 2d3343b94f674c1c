/**
 * Every model the engine can choose, with its complexity rank (ties in backtest accuracy go to the
 * simpler one), and which of them compete for each kind of demand.
 */
import type { DemandClass } from '../forecast.types.ts';
import type { TrainingWindow } from '../training-window.ts';
import { mean, movingAverage, naive, seasonalNaive, zero } from './baselines.ts';
import { holtDamped, holtWintersAdditive, holtWintersLog, holtWintersMultiplicative, ses } from './exponential-smoothing.ts';
import { crostonClassic, crostonSba, teunterSyntetosBabai } from './intermittent.ts';
import { linearRegression } from './linear-regression.ts';
import { theta } from './theta.ts';

export interface Model {
  name: string;
  complexity: number;
  /** Null when the window cannot support the model (too short, not positive, …). */
  forecast(w: TrainingWindow, h: number): number[] | null;
}

/** M4's "Comb" idea: the mean of SES, damped Holt and Theta, all on the seasonally adjusted series. */
function comb(w: TrainingWindow, h: number): number[] | null {
  const members = ['ses', 'holt_damped', 'theta'].map((name) => forecastWith(name, w, h));
  if (members.some((f) => f === null)) return null;
  return Array.from({ length: h }, (_, k) => members.reduce((s, f) => s + f![k]!, 0) / members.length);
}

/**
 * The mean of the three Holt-Winters variants that fit the window (at least two): picking one per
 * series from a short backtest is noisy, and averaging them is steadier than any one of them.
 */
function seasonalEnsemble(w: TrainingWindow, h: number): number[] | null {
  const members = ['holt_winters_additive', 'holt_winters_multiplicative', 'holt_winters_log'].map((name) => forecastWith(name, w, h)).filter((f) => f !== null);
  if (members.length < 2) return null;
  return Array.from({ length: h }, (_, k) => members.reduce((s, f) => s + f[k]!, 0) / members.length);
}

/**
 * The Holt-Winters variants that fit the window and Theta, each weighted equally: on aus_retail
 * this combination beat every single model and every per-series choice, on both a validation
 * holdout and the test holdout (forecast combinations beat selection, as on M3 and M4).
 */
function etsTheta(w: TrainingWindow, h: number): number[] | null {
  const members = ['holt_winters_additive', 'holt_winters_multiplicative', 'holt_winters_log', 'theta'].map((name) => forecastWith(name, w, h)).filter((f) => f !== null);
  if (members.length < 2) return null;
  return Array.from({ length: h }, (_, k) => members.reduce((s, f) => s + f[k]!, 0) / members.length);
}

const list: Model[] = [
  { name: 'zero', complexity: 0, forecast: zero },
  { name: 'mean', complexity: 1, forecast: mean },
  { name: 'naive', complexity: 1, forecast: naive },
  { name: 'seasonal_naive', complexity: 1, forecast: seasonalNaive },
  { name: 'moving_average', complexity: 2, forecast: movingAverage },
  { name: 'ses', complexity: 3, forecast: ses },
  { name: 'croston', complexity: 3, forecast: crostonClassic },
  { name: 'sba', complexity: 3, forecast: crostonSba },
  { name: 'tsb', complexity: 4, forecast: teunterSyntetosBabai },
  { name: 'theta', complexity: 4, forecast: theta },
  { name: 'holt_damped', complexity: 5, forecast: holtDamped },
  { name: 'comb', complexity: 6, forecast: comb },
  { name: 'holt_winters_additive', complexity: 6, forecast: holtWintersAdditive },
  { name: 'holt_winters_multiplicative', complexity: 7, forecast: holtWintersMultiplicative },
  { name: 'holt_winters_log', complexity: 7, forecast: holtWintersLog },
  { name: 'holt_winters_ensemble', complexity: 8, forecast: seasonalEnsemble },
  { name: 'ets_theta', complexity: 9, forecast: etsTheta },
  { name: 'linear_regression', complexity: 8, forecast: linearRegression },
];

export const models: ReadonlyMap<string, Model> = new Map(list.map((m) => [m.name, m]));

export function forecastWith(name: string, w: TrainingWindow, h: number): number[] | null {
  const model = models.get(name);
  if (!model) throw new Error(`unknown model ${name}`);
  return w.memo(`${name}:${h}`, () => {
    const f = model.forecast(w, h);
    if (f === null || f.length !== h || f.some((v) => !Number.isFinite(v))) return null;
    return w.nonNegative ? f.map((v) => Math.max(0, v)) : f;
  });
}

const BASELINES = ['seasonal_naive', 'naive', 'moving_average'];
const SMOOTH = [...BASELINES, 'ses', 'theta', 'holt_damped', 'comb', 'holt_winters_additive', 'holt_winters_multiplicative', 'holt_winters_log', 'holt_winters_ensemble', 'ets_theta', 'linear_regression'];
const INTERMITTENT = [...BASELINES, 'mean', 'ses', 'croston', 'sba', 'tsb'];

export function candidatesFor(classification: DemandClass): string[] {
  switch (classification) {
    case 'zero':
      return ['zero'];
    case 'new':
      return ['mean', 'naive'];
    case 'intermittent':
    case 'lumpy':
      return INTERMITTENT;
    case 'smooth':
    case 'erratic':
      return SMOOTH;
  }
}

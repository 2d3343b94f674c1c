/**
 * Rolling-origin backtest: the last `origins` blocks of `step` periods are each forecast from
 * the history before them, for every candidate; each candidate is scored on all of them.
 */
import type { Frequency } from './forecast.types.ts';
import { addErrors, biasOf, emptySums, maeOf, maseScale, smapeOf, wapeOf, type ErrorSums } from './metrics.ts';
import { forecastWith } from './models/catalog.ts';
import { trainingWindow } from './training-window.ts';

export interface BacktestPlan {
  /** Training lengths, oldest first. */
  origins: number[];
  /** Periods forecast from each origin (the horizon, capped by history). */
  step: number;
}

/** Null when the history is too short to hold out anything. */
export function planBacktest(length: number, horizon: number, origins: number, minTrain: number): BacktestPlan | null {
  const room = length - minTrain;
  if (room < 1 || horizon < 1) return null;
  const count = Math.max(1, Math.min(origins, room));
  const step = Math.max(1, Math.min(horizon, Math.floor(room / count)));
  return { origins: Array.from({ length: count }, (_, i) => length - (count - i) * step), step };
}

export interface CandidateResult {
  model: string;
  mase: number | null;
  wape: number | null;
  smape: number | null;
  bias: number | null;
  /** What the choice minimises: MASE (or, for intermittent demand, RMSE over the same scale); relative error where the scale is 0. */
  score: number;
  /** errors[k] = actual − forecast at step k+1, over all origins (missing actuals left out). */
  errors: number[][];
}

export interface BacktestInput {
  raw: readonly number[];
  filled: readonly number[];
  seasonLength: number;
  frequency: Frequency;
  nonNegative: boolean;
  regressors: Readonly<Record<string, readonly number[]>> | undefined;
}

/**
 * `squared`: score by root mean squared error instead of absolute, for intermittent demand, where
 * absolute error is smallest for a forecast of zero (the median), useless for restocking.
 */
export function backtest(input: BacktestInput, candidates: readonly string[], plan: BacktestPlan, squared = false, fitted?: Map<string, number[]>): CandidateResult[] {
  const { step } = plan;
  const state = new Map(candidates.map((model) => [model, { sums: emptySums(), scaled: 0, scaledCount: 0, relative: 0, failed: false, errors: Array.from({ length: step }, () => [] as number[]) }]));
  for (const origin of plan.origins) {
    const train = input.filled.slice(0, origin);
    const actual = input.raw.slice(origin, origin + step);
    const window = trainingWindow(train, input.seasonLength, input.frequency, input.nonNegative, input.regressors, fitted);
    const scale = maseScale(train, input.seasonLength);
    let level = 0;
    for (const v of train) level += Math.abs(v) / train.length;
    for (const model of candidates) {
      const s = state.get(model)!;
      if (s.failed) continue;
      const forecast = forecastWith(model, window, step);
      if (forecast === null) {
        s.failed = true;
        continue;
      }
      const originSums: ErrorSums = addErrors(emptySums(), actual, forecast);
      addErrors(s.sums, actual, forecast);
      const mae = maeOf(originSums);
      if (mae !== null) {
        if (scale > 0) {
          s.scaled += mae / scale;
          s.scaledCount++;
        }
        const error = squared ? rootMeanSquare(actual, forecast) : mae;
        s.relative += scale > 0 ? error / scale : error / Math.max(level, 1e-9);
      }
      for (let k = 0; k < step; k++) if (Number.isFinite(actual[k])) s.errors[k]!.push(actual[k]! - forecast[k]!);
    }
  }
  const results: CandidateResult[] = [];
  for (const model of candidates) {
    const s = state.get(model)!;
    if (s.failed) continue;
    results.push({
      model,
      mase: s.scaledCount === 0 ? null : s.scaled / s.scaledCount,
      wape: wapeOf(s.sums),
      smape: smapeOf(s.sums),
      bias: biasOf(s.sums),
      score: s.relative / plan.origins.length,
      errors: s.errors,
    });
  }
  return results;
}

function rootMeanSquare(actual: readonly number[], forecast: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < actual.length; k++) {
    if (!Number.isFinite(actual[k])) continue;
    sum += (actual[k]! - forecast[k]!) ** 2;
    count++;
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

/** The best score; within a relative 1e-9 of it, the simplest model (its rank in `complexity`). */
export function chooseCandidate(results: readonly CandidateResult[], complexity: (model: string) => number): CandidateResult | undefined {
  let best: CandidateResult | undefined;
  for (const r of results) {
    if (!Number.isFinite(r.score)) continue;
    if (!best) best = r;
    else {
      const tolerance = 1e-9 * Math.max(1, Math.abs(best.score));
      if (r.score < best.score - tolerance || (Math.abs(r.score - best.score) <= tolerance && complexity(r.model) < complexity(best.model))) best = r;
    }
  }
  return best;
}

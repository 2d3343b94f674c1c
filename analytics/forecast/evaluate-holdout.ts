/**
 * Out-of-sample evaluation: the last N periods of every series are held out, forecast from the
 * rest, and scored (sMAPE and MASE, M4-style) for Tower's chosen model, seasonal naive and every
 * candidate, each averaged over the series it forecast.
 */
import { maseScale, scoreForecast } from './metrics.ts';
import type { Series, SeriesForecast } from './forecast.types.ts';

export function splitHoldout(series: readonly Series[], holdout: number): { training: Series[]; actuals: number[][] } {
  return {
    training: series.map((s) => ({ ...s, values: s.values.slice(0, Math.max(0, s.values.length - holdout)), ...(s.regressors ? { regressors: s.regressors } : {}) })),
    actuals: series.map((s) => s.values.slice(Math.max(0, s.values.length - holdout))),
  };
}

export interface HoldoutScore {
  model: string;
  series: number;
  smape: number | null;
  mase: number | null;
}

export interface HoldoutReport {
  chosen: HoldoutScore;
  seasonalNaive: HoldoutScore;
  /** Per candidate, over the series where it was one. */
  candidates: HoldoutScore[];
  /** How many series chose each model. */
  choices: Record<string, number>;
}

function seasonalNaive(values: readonly number[], m: number, h: number): number[] {
  const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
  const n = finite.length;
  if (n === 0) return new Array<number>(h).fill(0);
  if (n < m) return new Array<number>(h).fill(finite[n - 1]!);
  return Array.from({ length: h }, (_, k) => finite[n - m + (k % m)]!);
}

class Average {
  private smapeSum = 0;
  private smapeCount = 0;
  private maseSum = 0;
  private maseCount = 0;
  series = 0;
  add(score: { smape: number | null; mase: number | null }) {
    this.series++;
    if (score.smape !== null) [this.smapeSum, this.smapeCount] = [this.smapeSum + score.smape, this.smapeCount + 1];
    if (score.mase !== null) [this.maseSum, this.maseCount] = [this.maseSum + score.mase, this.maseCount + 1];
  }
  result(model: string): HoldoutScore {
    return { model, series: this.series, smape: this.smapeCount ? this.smapeSum / this.smapeCount : null, mase: this.maseCount ? this.maseSum / this.maseCount : null };
  }
}

export function scoreHoldout(training: readonly Series[], actuals: readonly number[][], results: readonly SeriesForecast[], seasonLength: (s: Series) => number): HoldoutReport {
  const chosen = new Average();
  const baseline = new Average();
  const perCandidate = new Map<string, Average>();
  const choices: Record<string, number> = {};
  training.forEach((s, i) => {
    const actual = actuals[i]!;
    const result = results[i]!;
    if (actual.length === 0) return;
    const m = seasonLength(s);
    const scale = maseScale(s.values, m);
    const h = Math.min(actual.length, result.points.length);
    const truth = actual.slice(0, h);
    chosen.add(scoreForecast(truth, result.points.slice(0, h).map((p) => p.forecast), scale));
    baseline.add(scoreForecast(truth, seasonalNaive(s.values, m, h), scale));
    choices[result.model] = (choices[result.model] ?? 0) + 1;
    for (const [model, forecast] of Object.entries(result.candidateForecasts ?? {})) {
      let average = perCandidate.get(model);
      if (!average) perCandidate.set(model, (average = new Average()));
      average.add(scoreForecast(truth, forecast.slice(0, h), scale));
    }
  });
  return {
    chosen: chosen.result('tower (chosen per series)'),
    seasonalNaive: baseline.result('seasonal_naive'),
    candidates: [...perCandidate].map(([model, average]) => average.result(model)).sort((a, b) => (a.mase ?? Infinity) - (b.mase ?? Infinity)),
    choices,
  };
}

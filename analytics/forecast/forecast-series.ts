/**
 * One series, start to finish: clean the history, classify the demand, backtest the candidates
 * that suit it, forecast from the full history with the best one, and put intervals around it
 * from that model's own backtest errors.
 */
import { backtest, chooseCandidate, planBacktest, type CandidateResult } from './backtest.ts';
import { addPeriods, defaultSeasonLength, parseDate } from './calendar.ts';
import { classifyDemand, newSeriesThreshold } from './classify-demand.ts';
import { cleanHistory } from './clean-history.ts';
import type { AccuracyMetrics, DemandClass, ForecastOptions, Series, SeriesForecast } from './forecast.types.ts';
import { normalSpreads, spreadsFromErrors, type StepSpread } from './intervals.ts';
import { candidatesFor, forecastWith, models } from './models/catalog.ts';
import { trainingWindow } from './training-window.ts';

export const DEFAULT_BACKTEST_ORIGINS = 3;
const NO_METRICS: AccuracyMetrics = { mase: null, wape: null, smape: null, bias: null, baselineMase: null, baselineWape: null, baselineSmape: null };

export function resolveOptions(series: Series, options: ForecastOptions) {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 0) throw new RangeError(`horizon must be a whole number ≥ 0, got ${horizon}`);
  const seasonLength = options.seasonLength ?? defaultSeasonLength(series.frequency);
  if (!Number.isInteger(seasonLength) || seasonLength < 1) throw new RangeError(`seasonLength must be a whole number ≥ 1, got ${seasonLength}`);
  const origins = options.backtestOrigins ?? DEFAULT_BACKTEST_ORIGINS;
  if (!Number.isInteger(origins) || origins < 1) throw new RangeError(`backtestOrigins must be a whole number ≥ 1, got ${origins}`);
  const level = options.level ?? 0.8;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, got ${level}`);
  if (Number.isNaN(parseDate(series.start))) throw new RangeError(`series ${series.id}: start is not a YYYY-MM-DD date: ${series.start}`);
  return { horizon, seasonLength, origins, level };
}

const complexity = (model: string) => models.get(model)?.complexity ?? 99;

/**
 * A model must beat its demand class's default by this share of the default's backtest score to
 * replace it: a few origins rank similar models noisily, and on held-out data the combinations are
 * the steadier choice. For smooth demand the default is the ETS-Theta combination, and on
 * aus_retail any margin under a half let per-series noise cost accuracy (validation and test
 * holdouts alike); for intermittent demand it is SBA, which MASE would otherwise lose to zero.
 */
export const PREFER_DEFAULT_WITHIN: Readonly<Record<DemandClass, number>> = { smooth: 0.5, erratic: 0.5, intermittent: 0.2, lumpy: 0.2, new: 0, zero: 0 };
const SMOOTH_DEFAULTS = ['ets_theta', 'holt_winters_ensemble', 'comb'];
const DEFAULTS: Partial<Record<DemandClass, string[]>> = { smooth: SMOOTH_DEFAULTS, erratic: SMOOTH_DEFAULTS, intermittent: ['sba'], lumpy: ['sba'] };

export function forecastSeries(series: Series, options: ForecastOptions): SeriesForecast {
  const { horizon, seasonLength, origins, level } = resolveOptions(series, options);
  const history = cleanHistory(series.values, seasonLength);
  const { classification, nonZeroShare } = classifyDemand(history.raw, seasonLength);
  const dates = Array.from({ length: horizon }, (_, k) => addPeriods(series.start, series.frequency, series.values.length + k));
  const regressors = series.regressors && Object.fromEntries(Object.entries(series.regressors).map(([name, r]) => [name, r.slice(history.lead)]));
  const base = { id: series.id, history: { nonZeroShare, length: history.observedCount, classification } };
  const y = history.filled;

  const finish = (model: string, forecast: number[], spreads: StepSpread[], metrics: AccuracyMetrics, candidates: CandidateResult[], candidateForecasts?: Record<string, number[]>): SeriesForecast => {
    const points = dates.map((date, k) => {
      let f = Number.isFinite(forecast[k]) ? forecast[k]! : 0;
      if (history.nonNegative) f = Math.max(0, f);
      const spread = spreads[k] ?? { lower: 0, upper: 0, sd: 0 };
      let lo = Math.min(f, f + spread.lower);
      const hi = Math.max(f, f + spread.upper);
      if (history.nonNegative) lo = Math.max(0, lo);
      return { date, forecast: f, lo80: Number.isFinite(lo) ? lo : f, hi80: Number.isFinite(hi) ? hi : f };
    });
    return {
      ...base,
      model,
      points,
      metrics,
      candidates: candidates.map((c) => ({ model: c.model, mase: c.mase, wape: c.wape, smape: c.smape })),
      horizonSd: spreads.slice(0, horizon).map((s) => (Number.isFinite(s.sd) ? s.sd : 0)),
      ...(candidateForecasts ? { candidateForecasts } : {}),
    };
  };

  if (classification === 'zero' || history.observedCount === 0) {
    // No demand in n periods: the one-sided bound on a Poisson rate at this level is −ln(1−level)/n.
    const upper = history.observedCount === 0 ? 0 : Math.min(1, -Math.log(1 - level) / history.observedCount);
    const spreads = dates.map(() => ({ lower: 0, upper, sd: 0 }));
    return finish('zero', dates.map(() => 0), spreads, NO_METRICS, [], options.keepCandidateForecasts ? { zero: dates.map(() => 0) } : undefined);
  }

  const minTrain = Math.max(4, Math.min(newSeriesThreshold(seasonLength), Math.floor(y.length / 2)));
  const plan = classification === 'new' ? null : planBacktest(y.length, horizon, origins, minTrain);
  const fitted = new Map<string, number[]>();
  const full = trainingWindow(y, seasonLength, series.frequency, history.nonNegative, regressors, fitted);
  const input = { raw: history.raw, filled: y, seasonLength, frequency: series.frequency, nonNegative: history.nonNegative, regressors };

  if (plan === null) return shortHistory();

  const candidates = candidatesFor(classification);
  const results = backtest(input, candidates, plan, classification === 'intermittent' || classification === 'lumpy', fitted);
  const ranked = [...results].sort((a, b) => a.score - b.score || complexity(a.model) - complexity(b.model));
  let chosen = chooseCandidate(results, complexity);
  const preferred = (DEFAULTS[classification] ?? []).map((name) => results.find((r) => r.model === name)).find((r) => r !== undefined && Number.isFinite(r.score));
  if (chosen && preferred && chosen.score >= preferred.score * (1 - PREFER_DEFAULT_WITHIN[classification])) chosen = preferred;
  let forecast = chosen ? forecastWith(chosen.model, full, horizon) : null;
  for (const alternative of ranked) {
    if (forecast !== null) break;
    chosen = alternative;
    forecast = forecastWith(alternative.model, full, horizon);
  }
  if (!chosen || forecast === null) return shortHistory();
  const spreads = spreadsFromErrors(chosen.errors, horizon, level) ?? fallbackSpreads();
  const baseline = results.find((r) => r.model === 'seasonal_naive');
  const metrics: AccuracyMetrics = {
    mase: chosen.mase,
    wape: chosen.wape,
    smape: chosen.smape,
    bias: chosen.bias,
    baselineMase: baseline?.mase ?? null,
    baselineWape: baseline?.wape ?? null,
    baselineSmape: baseline?.smape ?? null,
  };
  return finish(chosen.model, forecast, spreads, metrics, results, options.keepCandidateForecasts ? candidateForecasts(results.map((r) => r.model)) : undefined);

  function candidateForecasts(names: readonly string[]): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const name of names) {
      const f = forecastWith(name, full, horizon);
      if (f !== null) out[name] = f;
    }
    return out;
  }

  /** Spread of the history itself, twice as wide and growing with the horizon: there is little to go on. */
  function fallbackSpreads(): StepSpread[] {
    const n = y.length;
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const sd = n >= 2 ? Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
    const scale = sd > 0 ? sd : Math.max(Math.abs(mean), 1);
    return normalSpreads(scale, horizon, level, (step) => 2 * Math.sqrt(1 + 1 / n + step / Math.max(n, 1)));
  }

  function shortHistory(): SeriesForecast {
    const model = y.length >= 3 ? 'mean' : 'naive';
    const forecast = forecastWith(model, full, horizon) ?? dates.map(() => 0);
    const extra = options.keepCandidateForecasts ? candidateForecasts(['mean', 'naive', 'seasonal_naive']) : undefined;
    return finish(model, forecast, fallbackSpreads(), NO_METRICS, [], extra);
  }
}

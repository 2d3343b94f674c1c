/**
 * Exponential smoothing with parameters fitted by minimising the one-step-ahead squared error on
 * the training window (state-space error-correction form, heuristic initial states): simple (SES),
 * Holt with damped trend, and Holt-Winters damped with additive or multiplicative season.
 * SES and Holt run on the seasonally adjusted series when the window is seasonal (as in M4).
 */
import type { TrainingWindow } from '../training-window.ts';
import { minimize, minimizeScalar } from '../optimize.ts';

const PHI = { lo: 0.8, hi: 0.98 };
const UNIT = { lo: 1e-4, hi: 0.9999 };

export function sesSse(y: readonly number[], alpha: number): number {
  let level = y[0]!;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const e = y[t]! - level;
    sse += e * e;
    level += alpha * e;
  }
  return sse;
}

/** SES with α fitted; returns the final level and α. */
export function fitSes(y: readonly number[]): { level: number; alpha: number } {
  if (y.length < 3) return { level: y.length === 0 ? 0 : y[y.length - 1]!, alpha: 1 };
  const alpha = minimizeScalar((a) => sesSse(y, a), UNIT.lo, UNIT.hi, 30);
  let level = y[0]!;
  for (let t = 1; t < y.length; t++) level += alpha * (y[t]! - level);
  return { level, alpha };
}

function holtRun(y: readonly number[], alpha: number, beta: number, phi: number, out?: { level: number; trend: number }): number {
  let level = y[0]!;
  let trend = y.length > 1 ? y[1]! - y[0]! : 0;
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const predicted = level + phi * trend;
    const e = y[t]! - predicted;
    sse += e * e;
    level = predicted + alpha * e;
    trend = phi * trend + beta * e;
  }
  if (out) [out.level, out.trend] = [level, trend];
  return sse;
}

function dampedSum(phi: number, k: number): number {
  // phi + phi² + … + phi^k
  return phi === 1 ? k : (phi * (1 - phi ** k)) / (1 - phi);
}

/** Minimises from the series' previous fit of the same model when there is one, with fewer steps. */
function warmMinimize(fitted: Map<string, number[]> | undefined, key: string, objective: (x: number[]) => number, start: number[], bounds: Parameters<typeof minimize>[2], evaluations: number) {
  const previous = fitted?.get(key);
  const fit = minimize(objective, previous ?? start, bounds, previous ? Math.ceil(evaluations / 2) : evaluations);
  if (Number.isFinite(fit.value)) fitted?.set(key, fit.x);
  return fit;
}

export function holtDampedForecast(y: readonly number[], h: number, fitted?: Map<string, number[]>): number[] {
  if (y.length < 4) return new Array<number>(h).fill(y.length === 0 ? 0 : y[y.length - 1]!);
  const fit = warmMinimize(fitted, 'holt_damped', ([a, u, phi]) => holtRun(y, a!, a! * u!, phi!), [0.3, 0.1, 0.95], [UNIT, UNIT, PHI], 120);
  const [a, u, phi] = fit.x as [number, number, number];
  const state = { level: 0, trend: 0 };
  holtRun(y, a, a * u, phi, state);
  return Array.from({ length: h }, (_, k) => state.level + dampedSum(phi, k + 1) * state.trend);
}

/** Runs the model on the seasonally adjusted window when there is one, and puts the season back. */
export function onAdjusted(w: TrainingWindow, h: number, model: (y: readonly number[], h: number) => number[]): number[] {
  const seasonal = w.seasonal();
  if (!seasonal) return model(w.y, h);
  return seasonal.reseasonalize(model(seasonal.adjusted, h), w.y.length);
}

export function ses(w: TrainingWindow, h: number): number[] {
  return onAdjusted(w, h, (y, steps) => new Array<number>(steps).fill(fitSes(y).level));
}

export function holtDamped(w: TrainingWindow, h: number): number[] {
  return onAdjusted(w, h, (y, steps) => holtDampedForecast(y, steps, w.fitted));
}

interface SeasonalState {
  level: number;
  trend: number;
  season: Float64Array;
}

/**
 * Initial states from the first few seasons (up to four): a straight line through their means
 * for level and trend, and the average detrended value of each season position.
 */
function seasonalStart(y: readonly number[], m: number, multiplicative: boolean): SeasonalState {
  const seasons = Math.max(2, Math.min(4, Math.floor(y.length / m)));
  const means: number[] = [];
  for (let s = 0; s < seasons; s++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += y[s * m + i]! / m;
    means.push(sum);
  }
  const centre = (seasons - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  const grand = means.reduce((a, b) => a + b, 0) / seasons;
  means.forEach((v, s) => {
    sxy += (s - centre) * (v - grand);
    sxx += (s - centre) ** 2;
  });
  const trend = sxx === 0 ? 0 : sxy / sxx / m;
  // Line value at period t: grand + (t − (seasons·m − 1)/2)·trend.
  const line = (t: number) => grand + (t - (seasons * m - 1) / 2) * trend;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let s = 0; s < seasons; s++) {
      const t = s * m + i;
      sum += multiplicative ? y[t]! / line(t) : y[t]! - line(t);
    }
    season[i] = sum / seasons;
  }
  // Normalise: indices average 1 (multiplicative) or 0 (additive).
  const average = season.reduce((a, b) => a + b, 0) / m;
  for (let i = 0; i < m; i++) season[i] = multiplicative ? season[i]! / average : season[i]! - average;
  // The level and trend just before y[0].
  return { level: line(-1), trend, season };
}

function holtWintersRun(y: readonly number[], m: number, multiplicative: boolean, alpha: number, beta: number, gamma: number, phi: number, start: SeasonalState, out?: SeasonalState): number {
  let level = start.level;
  let trend = start.trend;
  const season = out ? out.season : new Float64Array(m);
  season.set(start.season);
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const j = t % m;
    const s = season[j]!;
    const base = level + phi * trend;
    if (multiplicative) {
      const predicted = base * s;
      const e = y[t]! - predicted;
      sse += e * e;
      level = base + (alpha * e) / s;
      trend = phi * trend + (beta * e) / s;
      season[j] = s + (gamma * e) / base;
      if (!(season[j]! > 0) || !(base > 0)) return Number.POSITIVE_INFINITY;
    } else {
      const e = y[t]! - base - s;
      sse += e * e;
      level = base + alpha * e;
      trend = phi * trend + beta * e;
      season[j] = s + gamma * e;
    }
  }
  if (out) [out.level, out.trend] = [level, trend];
  return sse;
}

function holtWinters(w: TrainingWindow, h: number, multiplicative: boolean, key: string): number[] | null {
  const { y, m } = w;
  if (m < 2 || y.length < 2 * m + 2) return null;
  if (multiplicative && !y.every((v) => v > 0)) return null;
  const start = seasonalStart(y, m, multiplicative);
  if (multiplicative && !start.season.every((s) => s > 0)) return null;
  const objective = ([a, u, v, phi]: number[]) => holtWintersRun(y, m, multiplicative, a!, a! * u!, (1 - a!) * v!, phi!, start);
  const fit = warmMinimize(w.fitted, key, objective, [0.3, 0.05, 0.1, 0.95], [UNIT, UNIT, UNIT, PHI], 160);
  if (!Number.isFinite(fit.value)) return null;
  const [a, u, v, phi] = fit.x as [number, number, number, number];
  const state: SeasonalState = { level: 0, trend: 0, season: new Float64Array(m) };
  holtWintersRun(y, m, multiplicative, a, a * u, (1 - a) * v, phi, start, state);
  const n = y.length;
  return Array.from({ length: h }, (_, k) => {
    const base = state.level + dampedSum(phi, k + 1) * state.trend;
    const s = state.season[(n + k) % m]!;
    return multiplicative ? base * s : base + s;
  });
}

export function holtWintersAdditive(w: TrainingWindow, h: number): number[] | null {
  return holtWinters(w, h, false, 'holt_winters_additive');
}

export function holtWintersMultiplicative(w: TrainingWindow, h: number): number[] | null {
  return holtWinters(w, h, true, 'holt_winters_multiplicative');
}

/**
 * Additive damped Holt-Winters on the logarithm of a positive series: a season and trend that grow
 * with the level, like ETS(M,Ad,M), fitted on a scale where the errors are closer to constant.
 */
export function holtWintersLog(w: TrainingWindow, h: number): number[] | null {
  if (!w.y.every((v) => v > 0)) return null;
  const logs = w.y.map(Math.log);
  const f = holtWinters({ ...w, y: logs }, h, false, 'holt_winters_log');
  return f && f.map(Math.exp);
}

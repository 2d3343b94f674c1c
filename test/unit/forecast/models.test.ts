import { describe, expect, it } from 'vitest';
import { forecastWith } from '#analytics/forecast/models/catalog.ts';
import { isSeasonal } from '#analytics/forecast/models/seasonality.ts';
import { trainingWindow } from '#analytics/forecast/training-window.ts';
import { minimize } from '#analytics/forecast/optimize.ts';
import { seededRandom } from '#test/unit/support/seeded-random.ts';
import { WEEKLY_SHAPE, normal } from './support/demand-series.ts';

const daily = (y: readonly number[], regressors?: Record<string, number[]>) => trainingWindow(y, 7, 'day', y.every((v) => v >= 0), regressors);

describe('the models', () => {
  it('Holt-Winters reproduces a noiseless trend with a multiplicative weekly season', () => {
    const y = Array.from({ length: 140 }, (_, t) => (50 + 0.5 * t) * WEEKLY_SHAPE[t % 7]!);
    const truth = Array.from({ length: 14 }, (_, k) => (50 + 0.5 * (140 + k)) * WEEKLY_SHAPE[(140 + k) % 7]!);
    for (const model of ['holt_winters_multiplicative', 'holt_winters_log', 'holt_winters_ensemble']) {
      const f = forecastWith(model, daily(y), 14)!;
      f.forEach((v, k) => expect(Math.abs(v - truth[k]!) / truth[k]!).toBeLessThan(0.06));
    }
  });

  it('the ETS-Theta combination is the equal-weight mean of the Holt-Winters variants that fit and Theta', () => {
    const y = Array.from({ length: 140 }, (_, t) => (50 + 0.5 * t) * WEEKLY_SHAPE[t % 7]! + (t % 3));
    const w = daily(y);
    const members = ['holt_winters_additive', 'holt_winters_multiplicative', 'holt_winters_log', 'theta'].map((m) => forecastWith(m, w, 7)!);
    forecastWith('ets_theta', w, 7)!.forEach((v, k) => expect(v).toBeCloseTo(members.reduce((s, f) => s + f[k]!, 0) / 4, 9));
    // With zeros only additive Holt-Winters fits: it and Theta, half each.
    const withZeros = daily(y.map((v, t) => (t % 11 === 0 ? 0 : v)));
    expect(forecastWith('holt_winters_multiplicative', withZeros, 7)).toBeNull();
    const pair = ['holt_winters_additive', 'theta'].map((m) => forecastWith(m, withZeros, 7)!);
    forecastWith('ets_theta', withZeros, 7)!.forEach((v, k) => expect(v).toBeCloseTo((pair[0]![k]! + pair[1]![k]!) / 2, 9));
  });

  it('Theta and damped Holt follow a linear trend; seasonal naive repeats the last week', () => {
    const y = Array.from({ length: 60 }, (_, t) => 10 + 2 * t);
    expect(forecastWith('theta', daily(y), 1)![0]).toBeGreaterThan(y[59]!);
    expect(forecastWith('holt_damped', daily(y), 1)![0]).toBeCloseTo(130, 0);
    expect(forecastWith('seasonal_naive', daily(y), 8)).toEqual([...y.slice(53), y[53]!]);
  });

  it('the seasonality test finds a weekly season and not one in white noise', () => {
    const random = seededRandom(1);
    expect(isSeasonal(Array.from({ length: 120 }, (_, t) => 20 * WEEKLY_SHAPE[t % 7]! + normal(random)), 7)).toBe(true);
    expect(isSeasonal(Array.from({ length: 120 }, () => 20 + normal(random)), 7)).toBe(false);
  });

  it('Croston, SBA and TSB forecast a rate near size × probability, SBA below Croston', () => {
    const y = Array.from({ length: 200 }, (_, t) => (t % 5 === 0 ? 10 : 0));
    const croston = forecastWith('croston', daily(y), 1)![0]!;
    const sba = forecastWith('sba', daily(y), 1)![0]!;
    const tsb = forecastWith('tsb', daily(y), 1)![0]!;
    expect(croston).toBeCloseTo(2, 1);
    expect(sba).toBeLessThan(croston);
    expect(tsb).toBeGreaterThan(1.5);
    expect(tsb).toBeLessThan(2.5);
  });

  it('TSB lets the forecast decay after demand stops, Croston does not', () => {
    const y = Array.from({ length: 200 }, (_, t) => (t < 120 && t % 4 === 0 ? 8 : 0));
    expect(forecastWith('tsb', daily(y), 1)![0]!).toBeLessThan(forecastWith('croston', daily(y), 1)![0]! / 2);
  });

  it('linear regression learns a promotion lift from a regressor and applies it to future promo days', () => {
    const random = seededRandom(8);
    const n = 200;
    const promo = Array.from({ length: n + 14 }, (_, t) => (t % 10 === 3 ? 1 : 0));
    const y = Array.from({ length: n }, (_, t) => Math.round(20 * WEEKLY_SHAPE[t % 7]! + 15 * promo[t]! + normal(random)));
    const f = forecastWith('linear_regression', daily(y, { promo }), 14)!;
    const promoDays = f.filter((_, k) => promo[n + k] === 1);
    const normalDays = f.filter((_, k) => promo[n + k] === 0);
    expect(Math.min(...promoDays)).toBeGreaterThan(Math.max(...normalDays));
  });

  it('a model that cannot fit the window says so (null) instead of guessing', () => {
    expect(forecastWith('holt_winters_additive', daily([1, 2, 3, 4, 5]), 3)).toBeNull();
    expect(forecastWith('holt_winters_multiplicative', daily(Array.from({ length: 60 }, (_, t) => t % 7)), 3)).toBeNull();
  });

  it('the optimiser finds the minimum of a bowl inside its bounds', () => {
    const { x } = minimize(([a, b]) => (a! - 0.3) ** 2 + (b! - 0.7) ** 2, [0.5, 0.5], [{ lo: 0, hi: 1 }, { lo: 0, hi: 1 }], 400);
    expect(x[0]).toBeCloseTo(0.3, 3);
    expect(x[1]).toBeCloseTo(0.7, 3);
  });
});

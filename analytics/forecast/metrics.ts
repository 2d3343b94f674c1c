/**
 * Accuracy measures. MASE divides the mean absolute error by the training window's in-sample
 * seasonal-naive MAE (naive when it holds fewer than two seasons), so it compares across series.
 * Actuals that are NaN (missing) are left out.
 */

/** In-sample MAE of the seasonal naive (lag m) forecast, or of the naive one on short or flat history; 0 when flat. */
export function maseScale(train: readonly number[], seasonLength: number): number {
  const lagged = (lag: number): number => {
    let sum = 0;
    let count = 0;
    for (let t = lag; t < train.length; t++) {
      const d = train[t]! - train[t - lag]!;
      if (Number.isFinite(d)) {
        sum += Math.abs(d);
        count++;
      }
    }
    return count === 0 ? 0 : sum / count;
  };
  const seasonal = seasonLength > 1 && train.length >= 2 * seasonLength ? lagged(seasonLength) : 0;
  return seasonal > 0 ? seasonal : lagged(1);
}

export interface ErrorSums {
  absError: number;
  absActual: number;
  signedError: number;
  smapeSum: number;
  count: number;
}

export function emptySums(): ErrorSums {
  return { absError: 0, absActual: 0, signedError: 0, smapeSum: 0, count: 0 };
}

export function addErrors(sums: ErrorSums, actual: readonly number[], forecast: readonly number[]): ErrorSums {
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    if (!Number.isFinite(a)) continue;
    const e = f - a;
    sums.absError += Math.abs(e);
    sums.absActual += Math.abs(a);
    sums.signedError += e;
    const denominator = Math.abs(a) + Math.abs(f);
    sums.smapeSum += denominator === 0 ? 0 : (200 * Math.abs(e)) / denominator;
    sums.count++;
  }
  return sums;
}

export function wapeOf(sums: ErrorSums): number | null {
  return sums.count === 0 || sums.absActual === 0 ? null : sums.absError / sums.absActual;
}

export function smapeOf(sums: ErrorSums): number | null {
  return sums.count === 0 ? null : sums.smapeSum / sums.count;
}

export function biasOf(sums: ErrorSums): number | null {
  return sums.count === 0 || sums.absActual === 0 ? null : sums.signedError / sums.absActual;
}

export function maeOf(sums: ErrorSums): number | null {
  return sums.count === 0 ? null : sums.absError / sums.count;
}

/** sMAPE (percent) and MASE of one forecast against its actuals. */
export function scoreForecast(actual: readonly number[], forecast: readonly number[], scale: number): { smape: number | null; mase: number | null } {
  const sums = addErrors(emptySums(), actual, forecast);
  const mae = maeOf(sums);
  return { smape: smapeOf(sums), mase: mae === null || !(scale > 0) ? null : mae / scale };
}

/** What every model sees: one cleaned training window, with derived pieces computed once and shared. */
import type { Frequency } from './forecast.types.ts';
import { seasonalAdjustment, type SeasonalAdjustment } from './models/seasonality.ts';

export interface TrainingWindow {
  /** Finite values only (missing ones already imputed). */
  readonly y: readonly number[];
  readonly m: number;
  readonly frequency: Frequency;
  readonly nonNegative: boolean;
  /** Each of length ≥ y.length + horizon; rows past y.length are the future's known values. */
  readonly regressors: Readonly<Record<string, readonly number[]>> | undefined;
  /** The classical decomposition when the seasonality test says so, else null. */
  seasonal(): SeasonalAdjustment | null;
  /**
   * Fitted parameters shared by the windows of one series (backtest origins, then the full
   * history): the next fit starts from the last one's and needs fewer steps.
   */
  readonly fitted: Map<string, number[]>;
  /** A model's forecast for this window and horizon, computed once (the combination reuses its members). */
  memo(key: string, compute: () => number[] | null): number[] | null;
}

export function trainingWindow(
  y: readonly number[],
  m: number,
  frequency: Frequency,
  nonNegative: boolean,
  regressors?: Readonly<Record<string, readonly number[]>>,
  fitted: Map<string, number[]> = new Map(),
): TrainingWindow {
  let adjustment: SeasonalAdjustment | null | undefined;
  const cache = new Map<string, number[] | null>();
  return {
    y,
    m,
    frequency,
    nonNegative,
    regressors,
    fitted,
    seasonal: () => (adjustment === undefined ? (adjustment = seasonalAdjustment(y, m)) : adjustment),
    memo(key, compute) {
      if (!cache.has(key)) cache.set(key, compute());
      return cache.get(key)!;
    },
  };
}

/** The forecasting engine's public shapes; pure data, shared by the library, its workers and the CLI. */

export type Frequency = 'day' | 'week' | 'month';

export interface Series {
  id: string;
  frequency: Frequency;
  /** YYYY-MM-DD of values[0] (month: first of month; week: the period's first day). */
  start: string;
  /** One per period; gaps already filled with 0 by the caller, NaN = missing. */
  values: readonly number[];
  /** Optional external drivers (e.g. promo flags), each of length values.length + horizon. */
  regressors?: Readonly<Record<string, readonly number[]>>;
}

export interface ForecastOptions {
  horizon: number;
  /** Default: day 7, week 52, month 12. */
  seasonLength?: number;
  /** Rolling origins of the backtest, default 3. */
  backtestOrigins?: number;
  /** Interval coverage, default 0.8. */
  level?: number;
  /** Also return every candidate's forecast from the full history (used by the CLI's --holdout). */
  keepCandidateForecasts?: boolean;
}

export interface ForecastPoint {
  date: string;
  forecast: number;
  lo80: number;
  hi80: number;
}

export interface AccuracyMetrics {
  mase: number | null;
  wape: number | null;
  /** Percent, 0–200. */
  smape: number | null;
  /** (Σ forecast − Σ actual) / Σ |actual|: positive means over-forecasting. */
  bias: number | null;
  /** Seasonal naive's MASE on the same backtest. */
  baselineMase: number | null;
  baselineWape: number | null;
  baselineSmape: number | null;
}

export type DemandClass = 'smooth' | 'intermittent' | 'lumpy' | 'erratic' | 'new' | 'zero';

export interface CandidateScore {
  model: string;
  mase: number | null;
  wape: number | null;
  smape: number | null;
}

export interface SeriesForecast {
  id: string;
  model: string;
  points: ForecastPoint[];
  metrics: AccuracyMetrics;
  candidates: CandidateScore[];
  /** Sd (root mean square) of the chosen model's backtest error at each step 1..h, for safety stock. */
  horizonSd: number[];
  history: { nonZeroShare: number; length: number; classification: DemandClass };
  /** Only with options.keepCandidateForecasts: each candidate's forecast from the full history. */
  candidateForecasts?: Record<string, number[]>;
}

export interface ForecastAllRun {
  /** Default os.availableParallelism(). */
  workers?: number;
  /**
   * Always on worker threads, even one worker or a few series (a server's event loop takes
   * orders meanwhile); only series of a worker that cannot start or dies come back to this thread.
   */
  offMainThread?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Told when a worker cannot start or dies and this thread takes over its series. */
  onWorkerFailure?: (error: Error) => void;
}

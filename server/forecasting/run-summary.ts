import type { SeriesForecast } from '#analytics/forecast/index.ts';
import { NETWORK_KEY } from '#db/schema/forecasting.ts';
import type { PlannedProposal } from '#server/replenishment/plan-restock.ts';
import { parseSeriesId } from './demand-series.ts';

export interface AccuracySummary {
  series: number;
  /** Series with a backtest (enough history): the means below are over these. */
  backtested: number;
  meanMase: number | null;
  meanBaselineMase: number | null;
  /** meanMase / meanBaselineMase: below 1 beats seasonal naive. */
  maseRatio: number | null;
  meanWape: number | null;
}

export interface RunSummary {
  locations: AccuracySummary;
  network: AccuracySummary;
  /** How many series each model was chosen for. */
  models: Record<string, number>;
  classifications: Record<string, number>;
  proposals: { purchase: number; transfer: number; costCents: number };
  elapsedMs: number;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

function accuracy(forecasts: readonly SeriesForecast[]): AccuracySummary {
  const scored = forecasts.filter((f) => f.metrics.mase !== null && f.metrics.baselineMase !== null && Number.isFinite(f.metrics.mase) && Number.isFinite(f.metrics.baselineMase));
  const meanMase = mean(scored.map((f) => f.metrics.mase!));
  const meanBaselineMase = mean(scored.map((f) => f.metrics.baselineMase!));
  const wapes = forecasts.map((f) => f.metrics.wape).filter((w): w is number => w !== null && Number.isFinite(w));
  return {
    series: forecasts.length,
    backtested: scored.length,
    meanMase: round(meanMase),
    meanBaselineMase: round(meanBaselineMase),
    maseRatio: meanMase !== null && meanBaselineMase ? round(meanMase / meanBaselineMase) : null,
    meanWape: round(mean(wapes)),
  };
}

const tally = (values: readonly string[]) => values.reduce<Record<string, number>>((t, v) => ((t[v] = (t[v] ?? 0) + 1), t), {});

/** What a run's row keeps to compare it with the run before: accuracy against the baseline, models, proposals. */
export function summarizeRun(forecasts: readonly SeriesForecast[], proposals: readonly PlannedProposal[], elapsedMs: number): RunSummary {
  const network = forecasts.filter((f) => parseSeriesId(f.id).locationKey === NETWORK_KEY);
  const located = forecasts.filter((f) => parseSeriesId(f.id).locationKey !== NETWORK_KEY);
  return {
    locations: accuracy(located),
    network: accuracy(network),
    models: tally(forecasts.map((f) => f.model)),
    classifications: tally(forecasts.map((f) => f.history.classification)),
    proposals: {
      purchase: proposals.filter((p) => p.kind === 'purchase').length,
      transfer: proposals.filter((p) => p.kind === 'transfer').length,
      costCents: proposals.reduce((s, p) => s + p.quantity * p.unitCostCents, 0),
    },
    elapsedMs,
  };
}

import type { AccuracySummary, ForecastProgress, ForecastRun, ForecastSeries, Location, RunSummary } from '../api/types.ts';

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * Days the stock lasts, as the run computed its stock-out date: whole days of forecast demand
 * met before the first day it is not. `atLeast`: no stock-out within the horizon. Null when the
 * series has no stock position (a SKU not stocked anywhere).
 */
export function daysOfCover(series: Pick<ForecastSeries, 'points' | 'stockoutDate' | 'available'>): { days: number; atLeast: boolean } | null {
  if (series.available === null) return null;
  const first = series.points[0]?.date;
  if (series.stockoutDate === null || first === undefined) return { days: series.points.length, atLeast: true };
  return { days: Math.max(0, daysBetween(first, series.stockoutDate)), atLeast: false };
}

/** A series' place: the location's code and name, or the whole network. */
export function seriesPlace(locationId: string | null, locations: readonly Location[]): string {
  if (locationId === null) return 'Network';
  const location = locations.find((candidate) => candidate.id === locationId);
  return location ? `${location.code} · ${location.name}` : locationId.slice(0, 8);
}

/** The stored summary of a succeeded run, when it has one of the shape run-summary.ts writes. */
export function runSummary(run: Pick<ForecastRun, 'summary'> | null | undefined): RunSummary | null {
  const summary = run?.summary as Partial<RunSummary> | null | undefined;
  return summary && typeof summary === 'object' && summary.locations && summary.network ? (summary as RunSummary) : null;
}

export interface AccuracyComparison {
  scope: 'locations' | 'network';
  current: AccuracySummary;
  previous: AccuracySummary | null;
  /** current.maseRatio − previous.maseRatio: below 0 is better than the run before. */
  ratioChange: number | null;
}

/** Accuracy against seasonal naive per scope, beside the run before's. */
export function compareAccuracy(current: RunSummary, previous: RunSummary | null): AccuracyComparison[] {
  return (['locations', 'network'] as const).map((scope) => {
    const now = current[scope];
    const before = previous?.[scope] ?? null;
    const ratioChange = now.maseRatio !== null && before?.maseRatio != null ? now.maseRatio - before.maseRatio : null;
    return { scope, current: now, previous: before, ratioChange };
  });
}

/** The run a run is compared with: the newest succeeded run before it. */
export function previousSucceeded(runs: readonly ForecastRun[], current: ForecastRun | null): ForecastRun | null {
  if (!current) return null;
  return runs.filter((run) => run.status === 'succeeded' && run.number < current.number).sort((a, b) => b.number - a.number)[0] ?? null;
}

/** Progress of a run in flight for a progress bar: the share of series forecast, or null while unknown. */
export function runProgress(message: Pick<ForecastProgress, 'seriesDone' | 'seriesTotal' | 'state'>): number | null {
  if (message.state === 'succeeded') return 1;
  if (message.seriesTotal <= 0) return null;
  return Math.min(1, message.seriesDone / message.seriesTotal);
}

/** MASE of the chosen model over seasonal naive's: below 1, the model beats the baseline. */
export function maseRatio(metrics: Pick<ForecastSeries['metrics'], 'mase' | 'baselineMase'>): number | null {
  if (metrics.mase === null || metrics.baselineMase === null || metrics.baselineMase === 0) return null;
  return metrics.mase / metrics.baselineMase;
}

/** Candidates best first (no score last), the chosen one marked. */
export function rankedCandidates(series: Pick<ForecastSeries, 'model' | 'metrics'>): { model: string; mase: number | null; wape: number | null; chosen: boolean }[] {
  return series.metrics.candidates
    .map((candidate) => ({ model: candidate.model, mase: candidate.mase, wape: candidate.wape, chosen: candidate.model === series.model }))
    .sort((a, b) => (a.mase ?? Infinity) - (b.mase ?? Infinity) || a.model.localeCompare(b.model));
}

/** A series' key in lists and selections. */
export function seriesKey(series: Pick<ForecastSeries, 'sku' | 'locationId'>): string {
  return `${series.sku}@${series.locationId ?? 'network'}`;
}

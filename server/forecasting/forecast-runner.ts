import os from 'node:os';
import type { Logger } from 'pino';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { dailyDemand } from '#analytics/demand/daily-demand.ts';
import { forecastAll, type SeriesForecast } from '#analytics/forecast/index.ts';
import type { Database } from '#db/client.ts';
import { NETWORK_KEY } from '#db/schema/forecasting.ts';
import type { Clock } from '#server/core/clock.ts';
import type { ForecastRunMessage } from '#server/realtime/realtime-events.ts';
import { planRestock, replaceOpenProposals, type SeriesRisk } from '#server/replenishment/propose-restock.ts';
import { stockoutOutlook } from '#server/replenishment/policy.ts';
import { readNetworkStock } from '#server/replenishment/stock-positions.ts';
import { addDays, buildDemandSeries, parseSeriesId } from './demand-series.ts';
import { failRun, failStaleRuns, finishRun, insertRun, insertSeries, pruneOldSeries, recordProgress, runView, type ForecastRunRow, type ForecastRunView, type ForecastSeriesRow } from './forecast-run-store.ts';
import { summarizeRun } from './run-summary.ts';

export interface ForecastSettings {
  horizonDays: number;
  historyDays: number;
  /** Worker threads; all cores but one by default. */
  workers?: number | undefined;
  backtestOrigins?: number | undefined;
  /** Days of actual demand kept with each series for its chart. */
  chartDays: number;
  serviceLevel: number;
  reviewPeriodDays: number;
  /** Succeeded runs (besides the one finishing) whose series are kept; 30 by default. */
  keepSeriesOfRuns?: number | undefined;
}

export interface ForecastRunnerDeps {
  db: Database;
  clickhouse: ClickHouseClient;
  logger: Logger;
  clock: Clock;
  settings: ForecastSettings;
  /** Where progress goes (socket.io room `forecasts`). */
  publish?: ((message: ForecastRunMessage) => void) | undefined;
}

export interface StartRun {
  trigger: 'schedule' | 'manual';
  requestedBy: string | null;
  /** The last day of history; yesterday (UTC) by default, the last whole day. */
  asOfDate?: string;
}

/** A run whose heartbeat is older than this belongs to a process that died. */
export const STALE_AFTER_MS = 120_000;
const HEARTBEAT_MS = 10_000;
const PROGRESS_EVERY_MS = 1_000;
/** Runs whose series stay readable by default (a month of nightly runs); older runs keep their row and summary. */
const KEEP_SERIES_OF_RUNS = 30;

/**
 * Starts forecast runs in the background, one at a time across every instance (the database
 * allows one `running` row): demand from ClickHouse → series → models on worker threads (order
 * capture keeps the event loop) → restock proposals → one transaction that stores the series,
 * replaces undecided proposals and marks the run succeeded. A run that fails leaves nothing but
 * its failed row; a process that dies leaves a `running` row that the next start fails as stale.
 */
export class ForecastRunner {
  private current: { run: ForecastRunRow; controller: AbortController; done: Promise<ForecastRunView> } | null = null;

  constructor(private readonly deps: ForecastRunnerDeps) {}

  /** Inserts the run (409 when one is running) and works on it in the background. */
  async start(request: StartRun): Promise<{ run: ForecastRunView; done: Promise<ForecastRunView> }> {
    const now = this.deps.clock.now();
    await failStaleRuns(this.deps.db, new Date(now.getTime() - STALE_AFTER_MS), now);
    const asOfDate = request.asOfDate ?? addDays(now.toISOString().slice(0, 10), -1);
    const workers = this.deps.settings.workers ?? Math.max(1, os.availableParallelism() - 1);
    const parameters = { ...this.deps.settings, workers, asOfDate };
    const run = await insertRun(this.deps.db, { trigger: request.trigger, asOfDate, parameters, requestedBy: request.requestedBy, now });
    const controller = new AbortController();
    const done = this.work(run, workers, controller.signal).finally(() => {
      if (this.current?.run.id === run.id) this.current = null;
    });
    // Failures are logged and stored by `work`; a caller that drops `done` must not crash the process.
    done.catch(() => undefined);
    this.current = { run, controller, done };
    return { run: runView(run), done };
  }

  /** Stops the run in progress (it is marked failed) and waits for it. */
  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.controller.abort(new Error('stopped: Tower is shutting down'));
    await current.done.catch(() => undefined);
  }

  private publish(run: ForecastRunRow, state: ForecastRunMessage['state'], stage: string, done: number, total: number, extra: Record<string, unknown> = {}) {
    this.deps.publish?.({ runId: run.id, number: run.number, state, stage, seriesDone: done, seriesTotal: total, ...extra });
  }

  private async work(run: ForecastRunRow, workers: number, signal: AbortSignal): Promise<ForecastRunView> {
    const { db, clock, logger, settings } = this.deps;
    const log = logger.child({ component: 'forecast', run: run.number });
    let total = 0;
    let done = 0;
    const heartbeat = setInterval(() => {
      recordProgress(db, run.id, { seriesDone: done, seriesTotal: total }, clock.now()).catch((error: unknown) => log.warn({ err: error }, 'could not record forecast progress'));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const started = Date.now();
      this.publish(run, 'running', 'reading demand', 0, 0);
      const from = addDays(run.asOfDate, -(settings.historyDays - 1));
      const [rows, stock] = await Promise.all([dailyDemand(this.deps.clickhouse, { from, to: run.asOfDate }), readNetworkStock(db)]);
      const stocked = [...stock.cells.values()].filter((c) => c.available > 0 || c.inbound > 0);
      const products = new Map([...stock.products].map(([sku, p]) => [sku, p.createdDay]));
      const series = buildDemandSeries(rows, { from, to: run.asOfDate, stocked, products }).filter((s) => {
        const { locationKey } = parseSeriesId(s.id);
        return locationKey === NETWORK_KEY || stock.locations.has(locationKey);
      });
      total = series.length;
      signal.throwIfAborted();

      let lastPublished = 0;
      // Off the event loop even with one worker (all cores but one, on two cores): orders come first.
      const forecasts = await forecastAll(series, { horizon: settings.horizonDays, ...(settings.backtestOrigins ? { backtestOrigins: settings.backtestOrigins } : {}) }, {
        workers,
        offMainThread: true,
        signal,
        onProgress: (n) => {
          done = n;
          if (Date.now() - lastPublished >= PROGRESS_EVERY_MS || n === total) {
            lastPublished = Date.now();
            this.publish(run, 'running', 'forecasting', n, total);
          }
        },
      });
      signal.throwIfAborted();

      this.publish(run, 'running', 'proposing', total, total);
      // Stock moved while the models ran (minutes on a large catalog): plan on a fresh read.
      const current = await readNetworkStock(db);
      const located = new Map<string, SeriesForecast>();
      for (const f of forecasts) if (parseSeriesId(f.id).locationKey !== NETWORK_KEY) located.set(f.id, f);
      const plan = await planRestock(db, current, located, { serviceLevel: settings.serviceLevel, reviewPeriodDays: settings.reviewPeriodDays });
      const networkRisk = networkRisks(plan.risks);

      this.publish(run, 'running', 'saving', total, total);
      const rowsToStore = forecasts.map((f, i) => seriesRow(run.id, f, series[i]!.values, series[i]!.start, settings.chartDays, plan.risks, networkRisk));
      const summary = summarizeRun(forecasts, plan.proposals, Date.now() - started);
      const finished = await db.transaction(async (tx) => {
        await insertSeries(tx, rowsToStore);
        await pruneOldSeries(tx, settings.keepSeriesOfRuns ?? KEEP_SERIES_OF_RUNS);
        const created = await replaceOpenProposals(tx, run.id, plan.proposals, clock.now());
        return finishRun(tx, run.id, { summary, proposalsCreated: created, seriesTotal: total }, clock.now());
      });
      log.info({ series: total, proposals: plan.proposals.length, ms: Date.now() - started }, 'forecast run succeeded');
      this.publish(run, 'succeeded', 'done', total, total, { summary });
      return runView(finished);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ err: error }, 'forecast run failed');
      const failed = await failRun(db, run.id, message, clock.now()).catch(() => undefined);
      this.publish(run, 'failed', 'failed', done, total, { error: message });
      if (failed) return runView(failed);
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/** Network series: the whole network's position against the SKU's total demand. */
function networkRisks(risks: ReadonlyMap<string, SeriesRisk>): Map<string, { available: number; inbound: number }> {
  const bySku = new Map<string, { available: number; inbound: number }>();
  for (const [key, r] of risks) {
    const sku = key.slice(0, key.lastIndexOf('@'));
    const sum = bySku.get(sku) ?? { available: 0, inbound: 0 };
    sum.available += r.available;
    sum.inbound += r.inbound;
    bySku.set(sku, sum);
  }
  return bySku;
}

function seriesRow(
  runId: string,
  f: SeriesForecast,
  values: readonly number[],
  start: string,
  chartDays: number,
  risks: ReadonlyMap<string, SeriesRisk>,
  network: ReadonlyMap<string, { available: number; inbound: number }>,
): ForecastSeriesRow {
  const { sku, locationKey } = parseSeriesId(f.id);
  const kept = Math.min(values.length, chartDays);
  const risk = locationKey === NETWORK_KEY ? networkOutlook(f, network.get(sku)) : risks.get(f.id);
  return {
    runId,
    sku,
    locationKey,
    model: f.model,
    classification: f.history.classification,
    points: f.points,
    history: { start: addDays(start, values.length - kept), values: values.slice(values.length - kept) },
    metrics: { ...f.metrics, candidates: f.candidates },
    horizonSd: f.horizonSd,
    mase: f.metrics.mase,
    baselineMase: f.metrics.baselineMase,
    available: risk?.available ?? null,
    inbound: risk?.inbound ?? null,
    stockoutDate: risk?.stockoutDate ?? null,
    expectedShortUnits: risk?.shortUnits ?? 0,
  };
}

function networkOutlook(f: SeriesForecast, position: { available: number; inbound: number } | undefined): SeriesRisk | undefined {
  if (!position) return undefined;
  const outlook = stockoutOutlook(f.points, position.available + position.inbound);
  return { ...position, stockoutDate: outlook.stockoutDate, shortUnits: outlook.shortUnits };
}

import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';

export const forecastRunStatuses = ['running', 'succeeded', 'failed'] as const;
export const forecastRunStatus = pgEnum('forecast_run_status', forecastRunStatuses);

export const forecastRunTriggers = ['schedule', 'manual'] as const;
export const forecastRunTrigger = pgEnum('forecast_run_trigger', forecastRunTriggers);

/**
 * One forecasting run: its parameters, progress and summary metrics, kept for ever so a run can be
 * compared with the one before. `heartbeat_at` moves while a run works: a `running` row whose
 * heartbeat stopped belongs to a process that died, and is failed by the next one that looks.
 */
export const forecastRuns = pgTable(
  'forecast_runs',
  {
    id: id(),
    number: integer('number').notNull().generatedAlwaysAsIdentity(),
    status: forecastRunStatus('status').notNull().default('running'),
    trigger: forecastRunTrigger('trigger').notNull(),
    /** The last day of history the run used (its forecasts start the day after). */
    asOfDate: date('as_of_date', { mode: 'string' }).notNull(),
    /** horizon, historyDays, backtest origins, service level defaults… as the run saw them. */
    parameters: jsonb('parameters').notNull(),
    seriesTotal: integer('series_total').notNull().default(0),
    seriesDone: integer('series_done').notNull().default(0),
    /** Means over the run's series: mase, wape, baselineMase, and the models chosen (counts). */
    summary: jsonb('summary'),
    proposalsCreated: integer('proposals_created').notNull().default(0),
    error: text('error'),
    requestedBy: text('requested_by'),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    heartbeatAt: timestamptz('heartbeat_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    uniqueIndex('forecast_runs_number_idx').on(t.number),
    // At most one run at a time, whichever instance started it.
    uniqueIndex('forecast_runs_one_running_idx').on(t.status).where(sql`${t.status} = 'running'`),
    // One scheduled run per day of history, however many instances wake up for it; a failed one may be tried again.
    uniqueIndex('forecast_runs_scheduled_day_idx').on(t.asOfDate).where(sql`${t.trigger} = 'schedule' and ${t.status} <> 'failed'`),
    index('forecast_runs_started_idx').on(t.startedAt),
  ],
);

/** The network as a whole in forecast_series.location_key (a real location's key is its id). */
export const NETWORK_KEY = 'network';

/**
 * A run's forecast of one series: daily demand of a SKU at a location, or network-wide.
 * Points, history and metrics are small arrays read whole, hence jsonb.
 */
export const forecastSeries = pgTable(
  'forecast_series',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => forecastRuns.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    /** A location id, or `network` (NETWORK_KEY). */
    locationKey: text('location_key').notNull(),
    model: text('model').notNull(),
    classification: text('classification').notNull(),
    /** [{date, forecast, lo80, hi80}] */
    points: jsonb('points').notNull(),
    /** The last days of actual demand the chart shows: {start, values}. */
    history: jsonb('history').notNull(),
    /** {mase, wape, smape, bias, baselineMase} and the candidates' backtests. */
    metrics: jsonb('metrics').notNull(),
    horizonSd: jsonb('horizon_sd').notNull(),
    mase: real('mase'),
    baselineMase: real('baseline_mase'),
    /** Stock position when the run read it (locations only). */
    available: integer('available'),
    inbound: integer('inbound'),
    /** The first day forecast demand exceeds available + inbound; null when it does not within the horizon. */
    stockoutDate: date('stockout_date', { mode: 'string' }),
    /** Expected units short over the horizon without action: the ranking of stock-out risk. */
    expectedShortUnits: real('expected_short_units').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.sku, t.locationKey] }),
    index('forecast_series_risk_idx').on(t.runId, t.stockoutDate),
    check('forecast_series_short_nonnegative', sql`${t.expectedShortUnits} >= 0`),
  ],
);

import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database, Executor } from '#db/client.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { forecastRuns, forecastSeries } from '#db/schema/forecasting.ts';
import { ConflictError, NotFoundError } from '#server/core/errors.ts';
import type { RunSummary } from './run-summary.ts';

export type ForecastRunRow = typeof forecastRuns.$inferSelect;
export type ForecastSeriesRow = typeof forecastSeries.$inferInsert;

export interface ForecastRunView {
  id: string;
  number: number;
  status: ForecastRunRow['status'];
  trigger: ForecastRunRow['trigger'];
  asOfDate: string;
  parameters: unknown;
  seriesTotal: number;
  seriesDone: number;
  summary: RunSummary | null;
  proposalsCreated: number;
  error: string | null;
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export function runView(row: ForecastRunRow): ForecastRunView {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    trigger: row.trigger,
    asOfDate: row.asOfDate,
    parameters: row.parameters,
    seriesTotal: row.seriesTotal,
    seriesDone: row.seriesDone,
    summary: row.summary as RunSummary | null,
    proposalsCreated: row.proposalsCreated,
    error: row.error,
    requestedBy: row.requestedBy,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * A `running` run whose heartbeat is older than `staleBefore` was left by a process that died:
 * it is failed so that a new run may start (the unique index allows one running run).
 */
export async function failStaleRuns(db: Database, staleBefore: Date, now: Date): Promise<number> {
  const failed = await db
    .update(forecastRuns)
    .set({ status: 'failed', error: 'interrupted: the process running it stopped', finishedAt: now })
    .where(and(eq(forecastRuns.status, 'running'), lt(forecastRuns.heartbeatAt, staleBefore)))
    .returning({ id: forecastRuns.id });
  return failed.length;
}

export async function insertRun(
  db: Database,
  values: { trigger: ForecastRunRow['trigger']; asOfDate: string; parameters: unknown; requestedBy: string | null; now: Date },
): Promise<ForecastRunRow> {
  try {
    const [row] = await db
      .insert(forecastRuns)
      .values({ trigger: values.trigger, asOfDate: values.asOfDate, parameters: values.parameters, requestedBy: values.requestedBy, startedAt: values.now, heartbeatAt: values.now })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error, 'forecast_runs_one_running_idx')) throw new ConflictError('A forecast run is already in progress; wait for it to finish');
    if (isUniqueViolation(error, 'forecast_runs_scheduled_day_idx')) throw new ConflictError(`The scheduled run for ${values.asOfDate} has started already`);
    throw error;
  }
}

export async function recordProgress(db: Database, runId: string, progress: { seriesDone: number; seriesTotal: number }, now: Date): Promise<void> {
  await db.update(forecastRuns).set({ ...progress, heartbeatAt: now }).where(and(eq(forecastRuns.id, runId), eq(forecastRuns.status, 'running')));
}

export async function finishRun(tx: Executor, runId: string, outcome: { summary: unknown; proposalsCreated: number; seriesTotal: number }, now: Date): Promise<ForecastRunRow> {
  const [row] = await tx
    .update(forecastRuns)
    .set({ status: 'succeeded', summary: outcome.summary, proposalsCreated: outcome.proposalsCreated, seriesTotal: outcome.seriesTotal, seriesDone: outcome.seriesTotal, finishedAt: now, heartbeatAt: now })
    .where(and(eq(forecastRuns.id, runId), eq(forecastRuns.status, 'running')))
    .returning();
  // Failed meanwhile as stale by another instance: its results must not count.
  if (!row) throw new ConflictError('the run was marked failed while it worked (its heartbeat stopped too long)');
  return row;
}

export async function failRun(db: Database, runId: string, message: string, now: Date): Promise<ForecastRunRow | undefined> {
  const [row] = await db
    .update(forecastRuns)
    .set({ status: 'failed', error: message.slice(0, 2_000), finishedAt: now })
    .where(and(eq(forecastRuns.id, runId), eq(forecastRuns.status, 'running')))
    .returning();
  return row;
}

const SERIES_PER_INSERT = 500;

export async function insertSeries(tx: Executor, rows: readonly ForecastSeriesRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SERIES_PER_INSERT) await tx.insert(forecastSeries).values(rows.slice(i, i + SERIES_PER_INSERT));
}

/** Deletes the series of succeeded runs older than the newest `keep` (the runs' rows and summaries stay). */
export async function pruneOldSeries(tx: Executor, keep: number): Promise<void> {
  await tx.execute(sql`
    delete from forecast_series where run_id in (
      select id from forecast_runs where status = 'succeeded' order by number desc offset ${keep})`);
}

export async function findRun(db: Database, id: string): Promise<ForecastRunRow> {
  const [row] = await db.select().from(forecastRuns).where(eq(forecastRuns.id, id));
  if (!row) throw new NotFoundError('No forecast run has this id');
  return row;
}

export async function listRuns(db: Database, limit: number): Promise<ForecastRunRow[]> {
  return db.select().from(forecastRuns).orderBy(desc(forecastRuns.number)).limit(limit);
}

export async function latestSucceededRun(db: Database): Promise<ForecastRunRow | undefined> {
  const [row] = await db.select().from(forecastRuns).where(eq(forecastRuns.status, 'succeeded')).orderBy(desc(forecastRuns.number)).limit(1);
  return row;
}

/** The newest succeeded run before run `number`: the one a run is compared with. */
export async function previousSucceededRun(db: Database, number: number): Promise<ForecastRunRow | undefined> {
  const [row] = await db
    .select()
    .from(forecastRuns)
    .where(and(eq(forecastRuns.status, 'succeeded'), lt(forecastRuns.number, number)))
    .orderBy(desc(forecastRuns.number))
    .limit(1);
  return row;
}

/**
 * Where the scheduled run of a day of history stands: `taken` when one is running or succeeded,
 * else when the last one failed (null: none yet), so that a failure is tried again later.
 */
export async function scheduledRunState(db: Database, asOfDate: string): Promise<{ taken: true } | { taken: false; lastFailedAt: Date | null }> {
  const rows = await db
    .select({ status: forecastRuns.status, finishedAt: forecastRuns.finishedAt })
    .from(forecastRuns)
    .where(and(eq(forecastRuns.trigger, 'schedule'), eq(forecastRuns.asOfDate, asOfDate)))
    .orderBy(desc(forecastRuns.number));
  if (rows.some((r) => r.status !== 'failed')) return { taken: true };
  return { taken: false, lastFailedAt: rows[0]?.finishedAt ?? null };
}

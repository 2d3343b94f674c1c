import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { forecastSeries, NETWORK_KEY } from '#db/schema/forecasting.ts';
import { decodeOffsetCursor, encodeOffsetCursor } from '#server/core/offset-cursor.ts';
import { findRun, latestSucceededRun, previousSucceededRun, runView, type ForecastRunRow, type ForecastRunView } from './forecast-run-store.ts';
import type { ForecastQuery } from './forecasting.schemas.ts';

type SeriesRow = typeof forecastSeries.$inferSelect;

/** The same series in the run before: its model, backtest accuracy and forecast total, to compare. */
interface PreviousSeries {
  runId: string;
  runNumber: number;
  asOfDate: string;
  model: string;
  mase: number | null;
  baselineMase: number | null;
  forecastTotal: number;
}

const totalOf = (points: unknown) => (points as { forecast: number }[]).reduce((s, p) => s + p.forecast, 0);

function seriesView(row: SeriesRow, previous: PreviousSeries | null) {
  return {
    sku: row.sku,
    locationId: row.locationKey === NETWORK_KEY ? null : row.locationKey,
    model: row.model,
    classification: row.classification,
    points: row.points as { date: string; forecast: number; lo80: number; hi80: number }[],
    history: row.history as { start: string; values: number[] },
    metrics: row.metrics as { mase: number | null; wape: number | null; smape: number | null; bias: number | null; baselineMase: number | null; candidates: [] },
    available: row.available,
    inbound: row.inbound,
    stockoutDate: row.stockoutDate,
    expectedShortUnits: row.expectedShortUnits,
    forecastTotal: totalOf(row.points),
    previous,
  };
}

/** The page's series as the previous succeeded run forecast them (null where it did not, or its series were pruned). */
async function previousSeries(db: Database, run: ForecastRunRow, rows: readonly SeriesRow[]): Promise<Map<string, PreviousSeries>> {
  const found = new Map<string, PreviousSeries>();
  if (rows.length === 0) return found;
  const before = await previousSucceededRun(db, run.number);
  if (!before) return found;
  const earlier = await db
    .select({ sku: forecastSeries.sku, locationKey: forecastSeries.locationKey, model: forecastSeries.model, mase: forecastSeries.mase, baselineMase: forecastSeries.baselineMase, points: forecastSeries.points })
    .from(forecastSeries)
    .where(and(eq(forecastSeries.runId, before.id), inArray(forecastSeries.sku, [...new Set(rows.map((r) => r.sku))])));
  for (const e of earlier) {
    found.set(`${e.sku}@${e.locationKey}`, { runId: before.id, runNumber: before.number, asOfDate: before.asOfDate, model: e.model, mase: e.mase, baselineMase: e.baselineMase, forecastTotal: totalOf(e.points) });
  }
  return found;
}


const orderings: Record<ForecastQuery['sort'], SQL[]> = {
  risk: [sql`${forecastSeries.stockoutDate} asc nulls last`, desc(forecastSeries.expectedShortUnits), asc(forecastSeries.sku), asc(forecastSeries.locationKey)],
  sku: [asc(forecastSeries.sku), asc(forecastSeries.locationKey)],
  accuracy: [sql`${forecastSeries.mase} desc nulls last`, asc(forecastSeries.sku), asc(forecastSeries.locationKey)],
};

/** A run's series (the latest successful run unless one is named), filtered and ranked. */
export async function listForecastSeries(db: Database, query: ForecastQuery): Promise<{ run: ForecastRunView | null; items: ReturnType<typeof seriesView>[]; nextCursor: string | null }> {
  const run = query.runId ? await findRun(db, query.runId) : await latestSucceededRun(db);
  if (!run) return { run: null, items: [], nextCursor: null };
  const offset = decodeOffsetCursor(query.cursor);
  const where = and(
    eq(forecastSeries.runId, run.id),
    query.sku ? eq(forecastSeries.sku, query.sku) : undefined,
    query.locationId ? eq(forecastSeries.locationKey, query.locationId) : undefined,
  );
  const rows = await db
    .select()
    .from(forecastSeries)
    .where(where)
    .orderBy(...orderings[query.sort])
    .limit(query.limit + 1)
    .offset(offset);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const previous = await previousSeries(db, run, page);
  return {
    run: runView(run),
    items: page.map((row) => seriesView(row, previous.get(`${row.sku}@${row.locationKey}`) ?? null)),
    nextCursor: more ? encodeOffsetCursor(offset + query.limit) : null,
  };
}

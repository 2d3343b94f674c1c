import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { forecastSeries, NETWORK_KEY } from '#db/schema/forecasting.ts';
import { decodeOffsetCursor, encodeOffsetCursor } from '#server/core/offset-cursor.ts';
import { findRun, latestSucceededRun, runView, type ForecastRunView } from './forecast-run-store.ts';
import type { ForecastQuery } from './forecasting.schemas.ts';

type SeriesRow = typeof forecastSeries.$inferSelect;

function seriesView(row: SeriesRow) {
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
  };
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
  return {
    run: runView(run),
    items: rows.slice(0, query.limit).map(seriesView),
    nextCursor: more ? encodeOffsetCursor(offset + query.limit) : null,
  };
}

import type { DemandRow } from '#analytics/demand/daily-demand.ts';
import type { Series } from '#analytics/forecast/index.ts';
import { NETWORK_KEY } from '#db/schema/forecasting.ts';

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `sku@locationKey`: a series' id, in the engine and in forecast_series. */
export function seriesId(sku: string, locationKey: string): string {
  return `${sku}@${locationKey}`;
}

export function parseSeriesId(id: string): { sku: string; locationKey: string } {
  const at = id.lastIndexOf('@');
  return { sku: id.slice(0, at), locationKey: id.slice(at + 1) };
}

export interface SeriesScope {
  /** First and last day of the history read (inclusive). */
  from: string;
  to: string;
  /** SKU × location pairs stocked today: forecast even without demand yet (a new listing). */
  stocked: ReadonlyArray<{ sku: string; locationId: string }>;
  /** Products and the day each was created: a SKU's history cannot start before it existed. */
  products: ReadonlyMap<string, string>;
}

/**
 * Daily demand series, zero-filled: one per SKU × location with demand or stock, and one per
 * product network-wide. A series starts on the later of the window's first day and its SKU's
 * first sign of life (first demand anywhere, or its creation), so a new SKU is not read as
 * months of zero demand.
 */
export function buildDemandSeries(rows: readonly DemandRow[], scope: SeriesScope): Series[] {
  const firstDemand = new Map<string, string>();
  const cells = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (row.day < scope.from || row.day > scope.to) continue;
    const first = firstDemand.get(row.sku);
    if (first === undefined || row.day < first) firstDemand.set(row.sku, row.day);
    const id = seriesId(row.sku, row.locationId ?? NETWORK_KEY);
    const cell = cells.get(id) ?? new Map<string, number>();
    cell.set(row.day, (cell.get(row.day) ?? 0) + row.units);
    cells.set(id, cell);
  }
  for (const { sku, locationId } of scope.stocked) {
    const id = seriesId(sku, locationId);
    if (!cells.has(id)) cells.set(id, new Map());
  }
  for (const sku of scope.products.keys()) {
    const id = seriesId(sku, NETWORK_KEY);
    if (!cells.has(id)) cells.set(id, new Map());
  }

  const series: Series[] = [];
  for (const id of [...cells.keys()].sort()) {
    const { sku } = parseSeriesId(id);
    const created = scope.products.get(sku);
    if (created === undefined) continue; // demand of a SKU no longer in the catalog
    const demandStart = firstDemand.get(sku);
    const born = demandStart !== undefined && demandStart < created ? demandStart : created;
    const start = born > scope.from ? (born > scope.to ? scope.to : born) : scope.from;
    const length = daysBetween(start, scope.to) + 1;
    const values = new Array<number>(length).fill(0);
    for (const [day, units] of cells.get(id)!) if (day >= start) values[daysBetween(start, day)] = units;
    series.push({ id, frequency: 'day', start, values });
  }
  return series;
}

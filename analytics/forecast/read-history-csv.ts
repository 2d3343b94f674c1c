/**
 * Reads a history CSV (one row per series and date) into Series: dates YYYY-MM-DD or YYYY-MM,
 * the frequency given or inferred from all dates, each series running from its first row to its
 * last (a series that stopped early is not padded). A period between them with no row is 0 (no
 * demand recorded); an empty value (or NA/NaN) is missing.
 */
import { parse } from 'csv-parse/sync';
import { inferFrequency, parseDate, periodStart, periodsBetween } from './calendar.ts';
import type { Frequency, Series } from './forecast.types.ts';

export class HistoryInputError extends Error {
  override name = 'HistoryInputError';
}

export interface HistoryColumns {
  series: string;
  date: string;
  value: string;
}

const MISSING = new Set(['', 'na', 'nan', 'null']);

export function readHistoryCsv(text: string, columns: HistoryColumns, frequency?: Frequency): { series: Series[]; frequency: Frequency } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    throw new HistoryInputError(`not readable as CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = records[0]?.record;
  if (!header) throw new HistoryInputError('the file is empty: expected a header row and data rows');
  const position = (name: string, role: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new HistoryInputError(`no ${role} column "${name}" in the header (columns: ${header.join(', ')})`);
    return index;
  };
  const [seriesAt, dateAt, valueAt] = [position(columns.series, 'series'), position(columns.date, 'date'), position(columns.value, 'value')];
  if (records.length < 2) throw new HistoryInputError('the file has a header but no data rows');

  const rows: Array<{ id: string; date: string; value: number; line: number }> = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const id = record[seriesAt] ?? '';
    const date = record[dateAt] ?? '';
    const text = record[valueAt] ?? '';
    if (id === '') throw new HistoryInputError(`line ${line}, column "${columns.series}": empty series id`);
    if (Number.isNaN(parseDate(date))) throw new HistoryInputError(`line ${line}, column "${columns.date}": "${date}" is not a date (YYYY-MM-DD or YYYY-MM)`);
    const value = MISSING.has(text.toLowerCase()) ? Number.NaN : Number(text);
    if (!MISSING.has(text.toLowerCase()) && !Number.isFinite(value)) throw new HistoryInputError(`line ${line}, column "${columns.value}": "${text}" is not a number`);
    rows.push({ id, date: date.length === 7 ? `${date}-01` : date, value, line });
  }
  const resolved = frequency ?? inferFrequency(rows.map((r) => r.date));

  const byId = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  const series: Series[] = [];
  for (const [id, list] of byId) {
    let [first, last] = [list[0]!.date, list[0]!.date];
    for (const r of list) [first, last] = [r.date < first ? r.date : first, r.date > last ? r.date : last];
    const start = periodStart(first, resolved);
    const values = new Array<number>(periodsBetween(start, last, resolved) + 1).fill(0);
    const seen = new Map<number, number>();
    for (const r of list) {
      const index = periodsBetween(start, r.date, resolved);
      const earlier = seen.get(index);
      if (earlier !== undefined) throw new HistoryInputError(`line ${r.line}, column "${columns.date}": series "${id}" already has a value for the ${resolved} of ${r.date} (line ${earlier})`);
      seen.set(index, r.line);
      values[index] = r.value;
    }
    series.push({ id, frequency: resolved, start, values });
  }
  return { series, frequency: resolved };
}

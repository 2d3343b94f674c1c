/**
 * `npm run forecast -- --input history.csv --horizon 28 --output forecast.csv`: forecasts every
 * series of a history file outside the running service and prints the backtest accuracy against
 * seasonal naive. `--holdout N` forecasts each series' last N periods from the rest instead and
 * scores them, for Tower's choice, seasonal naive and every candidate model.
 * Exit codes: 0 done, 1 failed, 2 bad arguments or input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultSeasonLength } from '#analytics/forecast/calendar.ts';
import { scoreHoldout, splitHoldout, type HoldoutScore } from '#analytics/forecast/evaluate-holdout.ts';
import { forecastAll, type Frequency, type Series, type SeriesForecast } from '#analytics/forecast/index.ts';
import { HistoryInputError, readHistoryCsv } from '#analytics/forecast/read-history-csv.ts';
import { seriesProgress } from './series-progress.ts';

const HELP = `Usage: npm run forecast -- --input FILE --horizon H --output FILE [options]

  --input FILE            history CSV with a header row: series,date,value
                          (dates YYYY-MM-DD, or YYYY-MM for months)
  --output FILE           where to write series,date,forecast,lo80,hi80
  --horizon H             periods to forecast
  --frequency F           day, week or month (default: inferred from the dates)
  --season-length M       periods per season (default: day 7, week 52, month 12)
  --origins N             rolling origins of each series' backtest (default 3)
  --holdout N             hold out each series' last N periods, forecast them from the rest and
                          report sMAPE/MASE on them for Tower's choice, seasonal naive and each model
  --series-column NAME    (default series)
  --date-column NAME      (default date)
  --value-column NAME     (default value)
  --workers N             worker threads (default: one per core)

A date with no row counts as 0; an empty value, NA or NaN as missing.
Exit codes: 0 done, 1 failed, 2 bad arguments or input.
`;

class UsageError extends Error {}

function wholeNumber(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
}

function parseCommandLine(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      output: { type: 'string' },
      horizon: { type: 'string' },
      frequency: { type: 'string' },
      'season-length': { type: 'string' },
      origins: { type: 'string' },
      holdout: { type: 'string' },
      'series-column': { type: 'string', default: 'series' },
      'date-column': { type: 'string', default: 'date' },
      'value-column': { type: 'string', default: 'value' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  if (!values.input) throw new UsageError('--input is required');
  if (!values.output) throw new UsageError('--output is required');
  const horizon = wholeNumber(values.horizon, 'horizon', 1);
  if (horizon === undefined) throw new UsageError('--horizon is required');
  const frequency = values.frequency;
  if (frequency !== undefined && !['day', 'week', 'month'].includes(frequency)) throw new UsageError(`--frequency must be day, week or month, got "${frequency}"`);
  return {
    input: values.input,
    output: values.output,
    horizon,
    frequency: frequency as Frequency | undefined,
    seasonLength: wholeNumber(values['season-length'], 'season-length', 1),
    origins: wholeNumber(values.origins, 'origins', 1),
    holdout: wholeNumber(values.holdout, 'holdout', 1),
    columns: { series: values['series-column'], date: values['date-column'], value: values['value-column'] },
    workers: wholeNumber(values.workers, 'workers', 1),
  };
}

const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
const number = (v: number) => String(Number(v.toFixed(4)));
const fixed = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

function meanOf(values: Array<number | null>): number | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function backtestSummary(results: readonly SeriesForecast[]): string {
  const scored = results.filter((r) => r.metrics.mase !== null && r.metrics.baselineMase !== null);
  const row = (name: string, mase: number | null, smape: number | null, wape: number | null) => `  ${name.padEnd(24)} ${fixed(mase).padStart(7)} ${fixed(smape, 2).padStart(8)} ${fixed(wape).padStart(7)}`;
  const chosen = { mase: meanOf(scored.map((r) => r.metrics.mase)), smape: meanOf(scored.map((r) => r.metrics.smape)), wape: meanOf(scored.map((r) => r.metrics.wape)) };
  const naive = { mase: meanOf(scored.map((r) => r.metrics.baselineMase)), smape: meanOf(scored.map((r) => r.metrics.baselineSmape)), wape: meanOf(scored.map((r) => r.metrics.baselineWape)) };
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : (a / b).toFixed(3));
  return [
    `Backtest (rolling origins, means over ${scored.length} of ${results.length} series):`,
    `  ${'model'.padEnd(24)} ${'MASE'.padStart(7)} ${'sMAPE%'.padStart(8)} ${'WAPE'.padStart(7)}`,
    row('chosen per series', chosen.mase, chosen.smape, chosen.wape),
    row('seasonal naive', naive.mase, naive.smape, naive.wape),
    `  ratio to seasonal naive: MASE ${ratio(chosen.mase, naive.mase)}, sMAPE ${ratio(chosen.smape, naive.smape)}, WAPE ${ratio(chosen.wape, naive.wape)}`,
  ].join('\n');
}

function holdoutSummary(holdout: number, report: ReturnType<typeof scoreHoldout>): string {
  const row = (s: HoldoutScore) => `  ${s.model.padEnd(30)} ${String(s.series).padStart(6)} ${fixed(s.smape, 2).padStart(8)} ${fixed(s.mase).padStart(7)}`;
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : (a / b).toFixed(3));
  const { chosen, seasonalNaive } = report;
  return [
    `Holdout: the last ${holdout} periods of every series, forecast from the rest:`,
    `  ${'model'.padEnd(30)} ${'series'.padStart(6)} ${'sMAPE%'.padStart(8)} ${'MASE'.padStart(7)}`,
    row(chosen),
    row(seasonalNaive),
    `  ratio to seasonal naive: sMAPE ${ratio(chosen.smape, seasonalNaive.smape)}, MASE ${ratio(chosen.mase, seasonalNaive.mase)}`,
    'Each candidate, over the series where it was one:',
    ...report.candidates.map(row),
    `Models chosen: ${Object.entries(report.choices).sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args === null) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = Date.now();
  let text: string;
  try {
    text = await readFile(args.input, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --input ${args.input}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { series: all, frequency } = readHistoryCsv(text, args.columns, args.frequency);
  const seasonLength = args.seasonLength ?? defaultSeasonLength(frequency);
  let series: Series[] = all;
  let actuals: number[][] | undefined;
  if (args.holdout !== undefined) {
    const tooShort = all.find((s) => s.values.length <= args.holdout!);
    if (tooShort) throw new HistoryInputError(`series "${tooShort.id}" has ${tooShort.values.length} periods: nothing left to train on after --holdout ${args.holdout}`);
    ({ training: series, actuals } = splitHoldout(all, args.holdout));
  }
  const report = seriesProgress(process.stderr, 'forecast');
  const results = await forecastAll(
    series,
    { horizon: args.horizon, seasonLength, keepCandidateForecasts: args.holdout !== undefined, ...(args.origins ? { backtestOrigins: args.origins } : {}) },
    { ...(args.workers ? { workers: args.workers } : {}), onProgress: (done, total) => report.update(done, total) },
  );
  report.end(results.length, series.length);
  const lines = ['series,date,forecast,lo80,hi80'];
  for (const r of results) for (const p of r.points) lines.push(`${csvField(r.id)},${p.date},${number(p.forecast)},${number(p.lo80)},${number(p.hi80)}`);
  await writeFile(args.output, `${lines.join('\n')}\n`);
  const seconds = (Date.now() - started) / 1000;
  const out = [`${results.length} series (${frequency}, season ${seasonLength}), horizon ${args.horizon}: ${lines.length - 1} rows written to ${args.output} in ${seconds.toFixed(1)} s`, backtestSummary(results)];
  if (actuals) out.push(holdoutSummary(args.holdout!, scoreHoldout(series, actuals, results, () => seasonLength)));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof HistoryInputError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`forecast: ${error.message}\n${error instanceof UsageError || error instanceof TypeError ? 'Run with --help for usage.\n' : ''}`);
      process.exit(2);
    }
    process.stderr.write(`forecast: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * Forecast accuracy on real monthly data: the 152 series of aus_retail (Australian retail turnover
 * by state and industry, ../shared/data/aus_retail.csv), each one's last 24 months held out and
 * forecast from the rest (horizon 24), as `npm run forecast -- … --holdout 24 --horizon 24` does.
 * Prints ONE JSON line: sMAPE and MASE of Tower's chosen models and of seasonal naive, their
 * ratios, each candidate's, and the runtime. `pass`: Tower beats seasonal naive on both.
 * Settings: BENCH_AUS_RETAIL_CSV (path), BENCH_AUS_RETAIL_ORIGINS (backtest origins, default 3).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { scoreHoldout, splitHoldout } from '#analytics/forecast/evaluate-holdout.ts';
import { forecastAll } from '#analytics/forecast/index.ts';
import { readHistoryCsv } from '#analytics/forecast/read-history-csv.ts';
import { runBenchMain } from './support/bench-main.ts';
import { round } from './support/percentiles.ts';

const file = process.env.BENCH_AUS_RETAIL_CSV ?? path.resolve('../shared/data/aus_retail.csv');
const origins = Number(process.env.BENCH_AUS_RETAIL_ORIGINS ?? 3);
const HOLDOUT = 24;
const progress = (message: string) => process.stderr.write(`[forecast-aus-retail] ${message}\n`);
const r3 = (v: number | null) => (v === null ? null : round(v, 3));

async function measure() {
  const start = performance.now();
  const { series } = readHistoryCsv(await readFile(file, 'utf8'), { series: 'Series ID', date: 'Month', value: 'Turnover' });
  const { training, actuals } = splitHoldout(series, HOLDOUT);
  progress(`${series.length} series, holdout ${HOLDOUT}, ${origins} backtest origins`);
  const results = await forecastAll(training, { horizon: HOLDOUT, keepCandidateForecasts: true, backtestOrigins: origins });
  const report = scoreHoldout(training, actuals, results, () => 12);
  const seconds = (performance.now() - start) / 1000;
  const { chosen, seasonalNaive } = report;
  const ratio = (a: number | null, b: number | null) => (a === null || !b ? null : round(a / b, 3));
  return {
    bench: 'forecast-aus-retail',
    date: new Date().toISOString(),
    smape: r3(chosen.smape),
    mase: r3(chosen.mase),
    seasonalNaiveSmape: r3(seasonalNaive.smape),
    seasonalNaiveMase: r3(seasonalNaive.mase),
    smapeRatio: ratio(chosen.smape, seasonalNaive.smape),
    maseRatio: ratio(chosen.mase, seasonalNaive.mase),
    seconds: round(seconds, 2),
    pass: chosen.smape !== null && seasonalNaive.smape !== null && chosen.mase !== null && seasonalNaive.mase !== null && chosen.smape < seasonalNaive.smape && chosen.mase < seasonalNaive.mase,
    details: {
      series: series.length,
      origins,
      candidates: report.candidates.map((c) => ({ model: c.model, series: c.series, smape: r3(c.smape), mase: r3(c.mase) })),
      chosenModels: report.choices,
      node: process.version,
    },
  };
}

await runBenchMain({ measure, cleanUp: async () => undefined, progress, serverOutput: () => undefined });

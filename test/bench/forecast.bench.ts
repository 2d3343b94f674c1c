/**
 * Demand forecasting throughput (forecasting issue): 2,000 seeded daily series × 365 days (smooth
 * weekly-seasonal, trending, intermittent, a few new and all-zero) forecast 28 days ahead with
 * forecastAll on every core, each with its rolling-origin backtest of every candidate model, then
 * Tower's restock planning (server/replenishment/plan-restock.ts) on them, read as 200 SKUs × 10
 * locations (stock on hand: the series' last 10 days of demand; a supplier with a 7-day lead time;
 * lanes of 2 days), transfers before purchases. Prints ONE
 * JSON line: seconds (decides `pass`, target < 30 s), series/s, and the mean backtest MASE of the
 * chosen models against seasonal naive; `details.cpuSeconds` (all threads) says what the run
 * costs when the shared machine is busy.
 * Settings: BENCH_FORECAST_SERIES (2000), BENCH_FORECAST_DAYS (365), BENCH_FORECAST_WORKERS
 * (default: one per core), BENCH_FORECAST_SEED (11).
 */
import { availableParallelism, loadavg } from 'node:os';
import { forecastAll, type SeriesForecast } from '#analytics/forecast/index.ts';
import { demandMix } from '#test/unit/forecast/support/demand-series.ts';
import { planSkuRestock, type LocationPosition, type PlannedProposal } from '#server/replenishment/plan-restock.ts';
import { runBenchMain } from './support/bench-main.ts';
import { round } from './support/percentiles.ts';

const TARGET = { secondsBelow: 30 };
const settings = {
  series: Number(process.env.BENCH_FORECAST_SERIES ?? 2_000),
  days: Number(process.env.BENCH_FORECAST_DAYS ?? 365),
  workers: Number(process.env.BENCH_FORECAST_WORKERS ?? availableParallelism()),
  seed: Number(process.env.BENCH_FORECAST_SEED ?? 11),
  horizon: 28,
};
if (!(settings.series >= 1) || !(settings.days >= 1) || !(settings.workers >= 1) || !Number.isInteger(settings.seed)) {
  throw new Error('BENCH_FORECAST_SERIES, BENCH_FORECAST_DAYS and BENCH_FORECAST_WORKERS must be ≥ 1, BENCH_FORECAST_SEED a whole number');
}
const progress = (message: string) => process.stderr.write(`[forecast] ${message}\n`);

const LOCATIONS_PER_SKU = 10;
const SUPPLY = { supplierId: 'SUP', unitCostCents: 500, leadTimeDays: 7, minimumOrderQuantity: 1, casePack: 6, currency: 'USD' };
const LANE = { leadTimeDays: 2, costPerUnitCents: 40 };

/** Tower's restock plan over the forecasts, series i being SKU ⌊i / 10⌋ at location i mod 10. */
function proposeRestock(series: readonly { values: readonly number[] }[], results: readonly SeriesForecast[]): PlannedProposal[] {
  const proposals: PlannedProposal[] = [];
  for (let first = 0; first < results.length; first += LOCATIONS_PER_SKU) {
    const positions: LocationPosition[] = results.slice(first, first + LOCATIONS_PER_SKU).map((result, k) => {
      const values = series[first + k]!.values;
      const available = Math.round(values.slice(-10).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0));
      return { locationId: `L${k}`, dropship: false, available, inbound: 0, arrivals: [], points: result.points, horizonSd: result.horizonSd, serviceLevel: 0.95, reviewPeriodDays: 7, leadTimeDays: null, active: true };
    });
    proposals.push(...planSkuRestock(`SKU-${first / LOCATIONS_PER_SKU}`, positions, SUPPLY, () => LANE, 'USD'));
  }
  return proposals;
}

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

async function measure() {
  const series = demandMix(settings.series, settings.days, settings.seed);
  progress(`${series.length} series × ${settings.days} days, horizon ${settings.horizon}, ${settings.workers} workers`);
  const load = loadavg()[0]!;
  let lastReport = 0;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const results = await forecastAll(series, { horizon: settings.horizon }, {
    workers: settings.workers,
    onProgress: (done, total) => {
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        progress(`${done}/${total} series, ${round((lastReport - start) / 1000, 1)} s`);
      }
    },
  });
  const proposals = proposeRestock(series, results);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  const scored = results.filter((r) => r.metrics.mase !== null && r.metrics.baselineMase !== null);
  const meanMase = mean(scored.map((r) => r.metrics.mase!));
  const meanBaselineMase = mean(scored.map((r) => r.metrics.baselineMase!));
  const count = (key: (r: SeriesForecast) => string) => results.reduce<Record<string, number>>((acc, r) => ((acc[key(r)] = (acc[key(r)] ?? 0) + 1), acc), {});
  const broken = results.filter((r) => r.points.some((p) => !Number.isFinite(p.forecast) || !Number.isFinite(p.lo80) || !Number.isFinite(p.hi80) || p.lo80 > p.forecast || p.forecast > p.hi80 || p.lo80 < 0));
  if (broken.length > 0) throw new Error(`${broken.length} series have non-finite, negative or inverted forecasts, e.g. ${broken[0]!.id}`);
  return {
    bench: 'forecast',
    date: new Date().toISOString(),
    seconds: round(seconds, 2),
    seriesPerSec: round(results.length / seconds, 1),
    meanMase: meanMase === null ? null : round(meanMase, 3),
    meanBaselineMase: meanBaselineMase === null ? null : round(meanBaselineMase, 3),
    maseRatio: meanMase === null || !meanBaselineMase ? null : round(meanMase / meanBaselineMase, 3),
    target: TARGET.secondsBelow,
    pass: seconds < TARGET.secondsBelow,
    details: {
      // CPU of this process and its worker threads: what the run costs when the machine is shared.
      cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
      scoredSeries: scored.length,
      classifications: count((r) => r.history.classification),
      models: count((r) => r.model),
      proposals: { purchase: proposals.filter((p) => p.kind === 'purchase').length, transfer: proposals.filter((p) => p.kind === 'transfer').length },
      loadAverageAtStart: round(load),
      settings,
      node: process.version,
    },
  };
}

await runBenchMain({ measure, cleanUp: async () => undefined, progress, serverOutput: () => undefined });

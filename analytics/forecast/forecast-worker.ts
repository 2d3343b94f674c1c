/** A worker thread of forecastAll: forecasts the batches it is sent and posts the results back. */
import { parentPort } from 'node:worker_threads';
import { forecastSeries } from './forecast-series.ts';
import type { ForecastOptions, Series } from './forecast.types.ts';

export interface WorkerBatch {
  batch: number;
  series: Series[];
  options: ForecastOptions;
}

const port = parentPort;
if (port) {
  port.on('message', ({ batch, series, options }: WorkerBatch) => {
    try {
      port.postMessage({ batch, results: series.map((s) => forecastSeries(s, options)) });
    } catch (error) {
      port.postMessage({ batch, error: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ ready: true });
}

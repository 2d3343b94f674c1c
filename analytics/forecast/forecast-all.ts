/**
 * Many series on worker threads, results in input order. Each worker registers tsx itself (Node 20
 * workers do not inherit module hooks, under `node --import tsx` or vitest alike) and loads this
 * folder's TypeScript; a worker that cannot start or dies leaves its series to this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { forecastSeries, resolveOptions } from './forecast-series.ts';
import type { ForecastAllRun, ForecastOptions, Series, SeriesForecast } from './forecast.types.ts';

const BATCH = 16;
const workerUrl = new URL('./forecast-worker-entry.mjs', import.meta.url);

function abortError(): Error {
  const error = new Error('forecast aborted');
  error.name = 'AbortError';
  return error;
}

/** Forecasts `series` one after another in this thread, yielding now and then so progress and abort get through. */
async function inThread(series: readonly Series[], indices: readonly number[], options: ForecastOptions, results: SeriesForecast[], tick: () => void, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < indices.length; i++) {
    if (signal?.aborted) throw abortError();
    results[indices[i]!] = forecastSeries(series[indices[i]!]!, options);
    tick();
    if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function forecastAll(series: readonly Series[], options: ForecastOptions, run: ForecastAllRun = {}): Promise<SeriesForecast[]> {
  const { signal, onProgress } = run;
  if (signal?.aborted) throw abortError();
  // Bad options fail here, once, rather than in every worker.
  if (series.length > 0) resolveOptions(series[0]!, options);
  const total = series.length;
  const results = new Array<SeriesForecast>(total);
  let done = 0;
  const tick = (count = 1) => {
    done += count;
    onProgress?.(done, total);
  };
  const batches: number[][] = [];
  for (let i = 0; i < total; i += BATCH) batches.push(Array.from({ length: Math.min(BATCH, total - i) }, (_, k) => i + k));
  const workerCount = Math.max(1, Math.min(run.workers ?? availableParallelism(), batches.length));
  if (total === 0 || (!run.offMainThread && (workerCount <= 1 || total < 2 * BATCH))) {
    await inThread(series, batches.flat(), options, results, tick, signal);
    return results;
  }

  const pending = batches.map((_, i) => i).reverse();
  const leftovers: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const workers = new Set<Worker>();
    let failed = false;
    const onAbort = () => fail(abortError());
    const settleIfIdle = () => {
      if (workers.size > 0 || failed) return;
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      workers.clear();
      reject(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    for (let i = 0; i < workerCount; i++) {
      let current: number | undefined;
      let worker: Worker;
      try {
        worker = new Worker(workerUrl);
      } catch (error) {
        run.onWorkerFailure?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      workers.add(worker);
      const next = () => {
        current = pending.pop();
        if (current === undefined) {
          workers.delete(worker);
          void worker.terminate();
          settleIfIdle();
          return;
        }
        worker.postMessage({ batch: current, series: batches[current]!.map((k) => series[k]), options });
      };
      worker.on('message', (message: { ready?: boolean; batch?: number; results?: SeriesForecast[]; error?: string }) => {
        if (failed) return;
        if (message.error !== undefined) return fail(new Error(message.error));
        if (message.results && message.batch !== undefined) {
          const indices = batches[message.batch]!;
          message.results.forEach((r, k) => (results[indices[k]!] = r));
          tick(indices.length);
        }
        next();
      });
      // A worker that dies (tsx missing, out of memory) hands its batch back; this thread finishes the rest.
      worker.on('error', (error) => {
        run.onWorkerFailure?.(error);
        if (current !== undefined) leftovers.push(...batches[current]!);
        current = undefined;
        workers.delete(worker);
        settleIfIdle();
      });
      worker.on('exit', () => {
        if (workers.delete(worker)) {
          if (current !== undefined) leftovers.push(...batches[current]!);
          settleIfIdle();
        }
      });
    }
    settleIfIdle();
  });
  const remaining = [...leftovers, ...pending.reverse().flatMap((b) => batches[b]!)];
  if (remaining.length > 0) await inThread(series, remaining.sort((a, b) => a - b), options, results, tick, signal);
  return results;
}

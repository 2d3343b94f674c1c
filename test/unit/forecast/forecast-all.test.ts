import { describe, expect, it } from 'vitest';
import { forecastAll, forecastSeries } from '#analytics/forecast/index.ts';
import { demandMix } from './support/demand-series.ts';

// Workers start tsx and compile this folder on a machine shared with other work: allow time.
describe('forecastAll', { timeout: 60_000 }, () => {
  const series = demandMix(80, 120, 3);

  it('on worker threads gives each series the result forecastSeries gives it, in input order', async () => {
    const progress: number[] = [];
    const failures: Error[] = [];
    const results = await forecastAll(series, { horizon: 14 }, { workers: 2, onProgress: (done) => progress.push(done), onWorkerFailure: (e) => failures.push(e) });
    expect(failures).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(series.map((s) => s.id));
    expect(results).toEqual(series.map((s) => forecastSeries(s, { horizon: 14 })));
    expect(progress.at(-1)).toBe(series.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('runs in this thread with one worker, and stops with an AbortError when aborted', async () => {
    const inThread = await forecastAll(series.slice(0, 10), { horizon: 7 }, { workers: 1 });
    expect(inThread).toHaveLength(10);
    const controller = new AbortController();
    const run = forecastAll(series, { horizon: 14 }, { workers: 2, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('with offMainThread keeps even one worker’s series off this thread, whose event loop stays mostly idle', async () => {
    const few = series.slice(0, 40);
    const expected = few.map((s) => forecastSeries(s, { horizon: 14 }));
    const utilisation = async (offMainThread: boolean) => {
      const before = performance.eventLoopUtilization();
      const results = await forecastAll(few, { horizon: 14 }, { workers: 1, offMainThread });
      const busy = performance.eventLoopUtilization(before).utilization;
      expect(results).toEqual(expected);
      return busy;
    };
    // In this thread the loop is busy nearly all the time; on a worker it mostly waits (tsx's start included).
    expect(await utilisation(false)).toBeGreaterThan(0.8);
    expect(await utilisation(true)).toBeLessThan(0.5);
  });

  it('rejects bad options before starting any worker', async () => {
    await expect(forecastAll(series, { horizon: -3 })).rejects.toThrow(RangeError);
    await expect(forecastAll([], { horizon: 7 })).resolves.toEqual([]);
  });
});

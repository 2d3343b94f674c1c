import { describe, expect, it } from 'vitest';
import type { ForecastRun, RunSummary } from '../../../web/lib/api/types.ts';
import { seriesPageUrl } from '../../../web/lib/forecasts/forecast-urls.ts';
import { apiPreloads } from '../../../web/lib/page-preloads.ts';
import { compareAccuracy, daysOfCover, maseRatio, previousSucceeded, rankedCandidates, runProgress, runSummary, seriesPlace } from '../../../web/lib/forecasts/forecast-view.ts';

const points = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].map((date) => ({ date, forecast: 2, lo80: 1, hi80: 3 }));
const accuracy = (meanMase: number, meanBaselineMase: number) => ({ series: 4, backtested: 3, meanMase, meanBaselineMase, maseRatio: meanMase / meanBaselineMase, meanWape: 0.3 });
const summary = (ratio: number): RunSummary => ({
  locations: accuracy(ratio, 1),
  network: accuracy(ratio / 2, 1),
  models: { ets: 2 },
  classifications: { smooth: 2 },
  proposals: { purchase: 1, transfer: 0, costCents: 100 },
  elapsedMs: 10,
});
const run = (number: number, status: ForecastRun['status'], extra: Partial<ForecastRun> = {}) => ({ id: `r${number}`, number, status, summary: null, ...extra }) as ForecastRun;

describe('forecast page helpers', () => {
  it('days of cover count the days met before the stock-out day, or at least the horizon without one', () => {
    expect(daysOfCover({ points, stockoutDate: '2026-12-03', available: 5 })).toEqual({ days: 2, atLeast: false });
    expect(daysOfCover({ points, stockoutDate: '2026-12-01', available: 0 })).toEqual({ days: 0, atLeast: false });
    expect(daysOfCover({ points, stockoutDate: null, available: 50 })).toEqual({ days: 4, atLeast: true });
    expect(daysOfCover({ points, stockoutDate: null, available: null })).toBeNull();
  });

  it('names the network and a location by code and name', () => {
    const locations = [{ id: 'a1', code: 'DAL', name: 'Dallas DC' }] as any;
    expect(seriesPlace(null, locations)).toBe('Network');
    expect(seriesPlace('a1', locations)).toBe('DAL · Dallas DC');
    expect(seriesPlace('0123456789', locations)).toBe('01234567');
  });

  it('reads a run summary only when it has the stored shape', () => {
    expect(runSummary(run(1, 'succeeded', { summary: summary(0.8) }))?.locations.maseRatio).toBe(0.8);
    expect(runSummary(run(1, 'failed', { summary: null }))).toBeNull();
    expect(runSummary(run(1, 'succeeded', { summary: { elapsedMs: 3 } as any }))).toBeNull();
  });

  it('compares accuracy with the run before: a lower MASE ratio is an improvement', () => {
    const [locations, network] = compareAccuracy(summary(0.8), summary(0.9));
    expect(locations!.scope).toBe('locations');
    expect(locations!.ratioChange).toBeCloseTo(-0.1);
    expect(network!.ratioChange).toBeCloseTo(-0.05);
    expect(compareAccuracy(summary(0.8), null)[0]!.ratioChange).toBeNull();
  });

  it('the run before is the newest succeeded run with a lower number', () => {
    const runs = [run(5, 'running'), run(4, 'succeeded'), run(3, 'failed'), run(2, 'succeeded'), run(1, 'succeeded')];
    expect(previousSucceeded(runs, runs[1]!)?.number).toBe(2);
    expect(previousSucceeded(runs, runs[4]!)).toBeNull();
    expect(previousSucceeded(runs, null)).toBeNull();
  });

  it('progress is the share of series done, unknown before the series are counted', () => {
    expect(runProgress({ state: 'running', seriesDone: 0, seriesTotal: 0 })).toBeNull();
    expect(runProgress({ state: 'running', seriesDone: 25, seriesTotal: 100 })).toBe(0.25);
    expect(runProgress({ state: 'succeeded', seriesDone: 0, seriesTotal: 0 })).toBe(1);
  });

  it('MASE against the baseline, and candidates best first with the chosen one marked', () => {
    expect(maseRatio({ mase: 0.5, baselineMase: 1 })).toBe(0.5);
    expect(maseRatio({ mase: null, baselineMase: 1 })).toBeNull();
    expect(maseRatio({ mase: 1, baselineMase: 0 })).toBeNull();
    const candidates = rankedCandidates({
      model: 'ets',
      metrics: { mase: 0.7, wape: 0.2, smape: 20, bias: 0, baselineMase: 1, candidates: [{ model: 'seasonal_naive', mase: 1, wape: 0.3, smape: 30 }, { model: 'croston', mase: null, wape: null, smape: null }, { model: 'ets', mase: 0.7, wape: 0.2, smape: 20 }] },
    });
    expect(candidates.map((c) => [c.model, c.chosen])).toEqual([['ets', true], ['seasonal_naive', false], ['croston', false]]);
  });
});

describe('forecast URLs', () => {
  it('the page shell preloads the first page of series by the very URL the page fetches', () => {
    expect(seriesPageUrl()).toBe('/api/forecasts?sort=risk&limit=25');
    expect(seriesPageUrl({ locationId: '', sku: '  ', cursor: undefined })).toBe(seriesPageUrl());
    expect(apiPreloads('/forecasts')).toEqual(['/api/auth/me', seriesPageUrl()]);
    expect(seriesPageUrl({ locationId: 'network', sku: ' TEE ', cursor: 'MjU' })).toBe('/api/forecasts?sort=risk&limit=25&locationId=network&sku=TEE&cursor=MjU');
  });
});

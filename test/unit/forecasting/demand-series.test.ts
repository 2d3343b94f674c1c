import { describe, expect, it } from 'vitest';
import { buildDemandSeries, parseSeriesId, seriesId } from '#server/forecasting/demand-series.ts';

const L1 = '11111111-1111-4111-8111-111111111111';

describe('buildDemandSeries', () => {
  const scope = { from: '2026-11-01', to: '2026-11-10', stocked: [], products: new Map([['TEE', '2026-01-01']]) };

  it('zero-fills the window, one series per SKU × location and one network-wide', () => {
    const series = buildDemandSeries(
      [
        { sku: 'TEE', locationId: L1, day: '2026-11-02', units: 3 },
        { sku: 'TEE', locationId: L1, day: '2026-11-10', units: 5 },
        { sku: 'TEE', locationId: null, day: '2026-11-02', units: 4 },
        { sku: 'TEE', locationId: L1, day: '2026-10-31', units: 99 },
      ],
      scope,
    );
    expect(series.map((s) => s.id)).toEqual([seriesId('TEE', L1), 'TEE@network']);
    expect(series[0]).toEqual({ id: `TEE@${L1}`, frequency: 'day', start: '2026-11-01', values: [0, 3, 0, 0, 0, 0, 0, 0, 0, 5] });
    expect(series[1]!.values).toEqual([0, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('starts a new SKU at its first sign of life, not the window', () => {
    const products = new Map([['NEW', '2026-11-07']]);
    const [located, network] = buildDemandSeries([{ sku: 'NEW', locationId: L1, day: '2026-11-08', units: 2 }], { ...scope, products });
    expect(located).toMatchObject({ start: '2026-11-07', values: [0, 2, 0, 0] });
    expect(network).toMatchObject({ start: '2026-11-07', values: [0, 0, 0, 0] });
  });

  it('lets history predate a product created later (a backfill), and forecasts stock without demand', () => {
    const products = new Map([['OLD', '2026-11-09']]);
    const series = buildDemandSeries([{ sku: 'OLD', locationId: L1, day: '2026-11-03', units: 1 }], { ...scope, products, stocked: [{ sku: 'OLD', locationId: '22222222-2222-4222-8222-222222222222' }] });
    expect(series.map((s) => [parseSeriesId(s.id).locationKey, s.start, s.values.length])).toEqual([
      [L1, '2026-11-03', 8],
      ['22222222-2222-4222-8222-222222222222', '2026-11-03', 8],
      ['network', '2026-11-03', 8],
    ]);
  });

  it('drops demand of SKUs no longer in the catalog', () => {
    expect(buildDemandSeries([{ sku: 'GONE', locationId: L1, day: '2026-11-03', units: 1 }], { ...scope, products: new Map() })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatters } from '../../../web/lib/format.ts';
import { kpiTiles, trendOf } from '../../../web/lib/tower/kpi-tiles.ts';
import { windowRanges } from '../../../web/lib/tower/tower-window.ts';
import type { Kpis } from '../../../web/lib/api/types.ts';

const f = formatters('en-US');
const kpis = (overrides: Partial<Kpis> = {}): Kpis => ({
  deliveryTimeHours: { p50: 20, p90: 50, mean: 26 },
  fulfillmentCostCents: { perOrder: 650, shareOfRevenue: 0.08, pickPackPerOrder: 300, packagingPerOrder: 50, labelPerOrder: 300, splitExtraPerOrder: 0 },
  returnRate: 0.04,
  orders: 120,
  revenueCents: 998_000,
  onTimeRate: 0.93,
  backorderRate: 0.01,
  cancellationRate: 0.02,
  pipelineLagMs: 320,
  freshAsOf: null,
  ...overrides,
});

describe('KPI tiles', () => {
  it('show every KPI the control tower promises, formatted for the locale', () => {
    const tiles = kpiTiles({ kpis: kpis(), previous: null, backlog: 1234, currency: 'USD' }, f);
    expect(Object.fromEntries(tiles.map((t) => [t.id, t.value]))).toEqual({
      orders: '120',
      revenue: '$9,980.00',
      'delivery-p50': '20 h',
      'delivery-p90': '2.1 d',
      'on-time': '93.0%',
      'cost-per-order': '$6.50',
      'cost-share': '8.0%',
      'return-rate': '4.0%',
      backlog: '1,234',
      'pipeline-lag': '320 ms',
    });
  });

  it('trend against the previous window: up is good for orders, bad for delivery time', () => {
    const tiles = kpiTiles({ kpis: kpis(), previous: kpis({ orders: 100, deliveryTimeHours: { p50: 16, p90: 50, mean: 20 } }), backlog: null, currency: 'USD' }, f);
    expect(tiles.find((t) => t.id === 'orders')!.trend).toEqual({ text: '+20%', direction: 'up', good: true });
    expect(tiles.find((t) => t.id === 'delivery-p50')!.trend).toEqual({ text: '+25%', direction: 'up', good: false });
    expect(tiles.find((t) => t.id === 'delivery-p90')!.trend).toEqual({ text: 'no change', direction: 'flat', good: null });
    expect(tiles.find((t) => t.id === 'backlog')!.trend).toBeNull();
  });

  it('no trend when either window has no value; "new" when the previous one was zero', () => {
    expect(trendOf(null, 3, true, f)).toBeNull();
    expect(trendOf(5, 0, true, f)).toEqual({ text: 'new', direction: 'up', good: true });
    expect(trendOf(50, 100, true, f)).toEqual({ text: '−50%', direction: 'down', good: false });
  });

  it('delivery times under an hour read in minutes, over two days in days', () => {
    expect(f.hours(0.25)).toBe('15 min');
    expect(f.hours(5.04)).toBe('5 h');
    expect(f.hours(72)).toBe('3 d');
  });

  it('money keeps its currency and minor units (JPY has none)', () => {
    expect(f.money(123456, 'EUR')).toBe('€1,234.56');
    expect(f.money(1200, 'JPY')).toBe('¥1,200');
    expect(formatters('de-DE').money(123456, 'EUR')).toBe('1.234,56\u00a0€');
  });
});

describe('windows', () => {
  it('end at the next whole minute, with the previous window right before it and series on whole steps', () => {
    const now = Date.parse('2026-11-01T10:17:30Z');
    const ranges = windowRanges('24h', now);
    expect(ranges.current).toEqual({ from: '2026-10-31T10:18:00.000Z', to: '2026-11-01T10:18:00.000Z' });
    expect(ranges.previous).toEqual({ from: '2026-10-30T10:18:00.000Z', to: '2026-10-31T10:18:00.000Z' });
    expect(ranges.series).toEqual({ from: '2026-10-31T11:00:00.000Z', to: '2026-11-01T11:00:00.000Z', step: '1h' });
  });
});

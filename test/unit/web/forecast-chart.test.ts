import { describe, expect, it } from 'vitest';
import type { ChartFormat } from '../../../web/lib/charts/chart-types.ts';
import { forecastChartOption, forecastChartRows } from '../../../web/lib/charts/forecast.ts';

const format: ChartFormat = {
  number: (v) => String(v),
  money: (c) => `$${(c / 100).toFixed(2)}`,
  percent: (v) => `${(v * 100).toFixed(1)}%`,
  hours: (v) => `${v} h`,
  time: (day) => day.slice(5),
};

const series = {
  history: { start: '2026-11-28', values: [3, 5, 4] },
  points: [
    { date: '2026-12-01', forecast: 4.256, lo80: 2, hi80: 6.5 },
    { date: '2026-12-02', forecast: 4, lo80: 1.5, hi80: 7 },
  ],
};
const byName = (option: any, name: string) => (option.series as any[]).find((s) => s.name === name || s.id === name);

describe('forecast chart', () => {
  it('puts the history days before the forecast days, one row per day', () => {
    const rows = forecastChartRows(series);
    expect(rows.map((r) => r.date)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(rows.map((r) => r.actual)).toEqual([3, 5, 4, null, null]);
    expect(rows[3]).toMatchObject({ forecast: 4.256, lo80: 2, hi80: 6.5 });
  });

  it('keeps only the last historyDays of history, dated from where they start', () => {
    const rows = forecastChartRows(series, 2);
    expect(rows.slice(0, 2)).toEqual([
      { date: '2026-11-29', actual: 5, forecast: null, lo80: null, hi80: null },
      { date: '2026-11-30', actual: 4, forecast: null, lo80: null, hi80: null },
    ]);
  });

  it('draws the 80 % band as the lower bound with the interval width stacked on it', () => {
    const option = forecastChartOption(series, { today: '2026-12-01' }, format) as any;
    const base = byName(option, 'band-base');
    const width = byName(option, '80 % interval');
    expect(base.stack).toBe('interval');
    expect(width.stack).toBe('interval');
    expect(base.data).toEqual([null, null, null, 2, 1.5]);
    expect(width.data).toEqual([null, null, null, 4.5, 5.5]);
    expect(width.areaStyle).toBeDefined();
    expect(base.areaStyle).toBeUndefined();
    expect(byName(option, 'Actual').data).toEqual([3, 5, 4, null, null]);
    expect(byName(option, 'Forecast').data).toEqual([null, null, null, 4.26, 4]);
  });

  it('marks today with a vertical line up to the top of the band, and leaves it out when today is off the chart', () => {
    const option = forecastChartOption(series, { today: '2026-12-01' }, format) as any;
    expect(byName(option, 'Today').data).toEqual([
      ['2026-12-01', 0],
      ['2026-12-01', 7],
    ]);
    const later = forecastChartOption(series, { today: '2027-01-01' }, format) as any;
    expect(byName(later, 'Today')).toBeUndefined();
    expect(later.legend.data).not.toContain('Today');
  });

  it('tooltips show actual units on history days and the forecast with its interval after', () => {
    const option = forecastChartOption(series, { today: '2026-12-01' }, format) as any;
    const at = (i: number) => option.tooltip.formatter([{ seriesName: 'band-base', dataIndex: i }, { seriesName: 'Actual', dataIndex: i }]);
    expect(at(1)).toBe('11-29<br/>Actual: 5');
    expect(at(4)).toBe('12-02<br/>Forecast: 4<br/>80 %: 1.5 – 7');
  });
});

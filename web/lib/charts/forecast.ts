import type { ForecastSeries } from '../api/types.ts';
import { PALETTE, type ChartFormat, type ChartOption } from './chart-types.ts';

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** One day of the chart: actual units (history) or the forecast with its 80 % interval. */
export interface ForecastChartRow {
  date: string;
  actual: number | null;
  forecast: number | null;
  lo80: number | null;
  hi80: number | null;
}

/**
 * The series' last `historyDays` days of actual demand followed by its forecast, one row per
 * day. The history ends the day before the forecast starts (the run's as-of date).
 */
export function forecastChartRows(series: Pick<ForecastSeries, 'history' | 'points'>, historyDays = 120): ForecastChartRow[] {
  const { start, values } = series.history;
  const skip = Math.max(0, values.length - historyDays);
  const rows: ForecastChartRow[] = values.slice(skip).map((actual, i) => ({ date: addDays(start, skip + i), actual, forecast: null, lo80: null, hi80: null }));
  for (const point of series.points) rows.push({ date: point.date, actual: null, forecast: point.forecast, lo80: point.lo80, hi80: point.hi80 });
  return rows;
}

// Helper series of the band: not named in the legend or the tooltip.
const BAND_BASE = 'band-base';
const BAND_WIDTH = 'band-width';
const TODAY = 'Today';

/**
 * History as a line, the forecast as a dashed line, the 80 % interval as a band (a transparent
 * lower bound with the interval's width stacked on it), and a vertical line at `today` when it
 * falls inside the chart (a line series: the chart build registers no markLine component).
 */
export function forecastChartOption(series: Pick<ForecastSeries, 'history' | 'points'>, options: { today: string; historyDays?: number }, format: ChartFormat): ChartOption {
  const rows = forecastChartRows(series, options.historyDays);
  const dates = rows.map((row) => row.date);
  const top = Math.max(1, ...rows.map((row) => Math.max(row.actual ?? 0, row.hi80 ?? 0, row.forecast ?? 0)));
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
  const showToday = dates.includes(options.today);
  const [actualColor, forecastColor] = [PALETTE[0], PALETTE[1]];
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 36, bottom: 56 },
    legend: { top: 0, data: ['Actual', 'Forecast', '80 % interval', ...(showToday ? [TODAY] : [])] },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { seriesName: string; dataIndex: number }[]) => {
        // The actual and forecast lines index the days; the band's helpers and the today line do not.
        const day = params.find((param) => param.seriesName === 'Actual' || param.seriesName === 'Forecast');
        const row = rows[day?.dataIndex ?? -1];
        if (!row) return '';
        if (row.actual !== null) return `${format.time(row.date)}<br/>Actual: ${format.number(row.actual)}`;
        return `${format.time(row.date)}<br/>Forecast: ${format.number(row.forecast ?? 0)}<br/>80 %: ${format.number(row.lo80 ?? 0)} – ${format.number(row.hi80 ?? 0)}`;
      },
    },
    xAxis: { type: 'category', data: dates, boundaryGap: false, axisLabel: { formatter: (date: string) => format.time(date) } },
    yAxis: { type: 'value', name: 'Units', min: 0 },
    series: [
      {
        name: BAND_BASE,
        type: 'line',
        stack: 'interval',
        data: rows.map((row) => round(row.lo80)),
        lineStyle: { opacity: 0 },
        symbol: 'none',
        silent: true,
        tooltip: { show: false },
      },
      {
        name: '80 % interval',
        id: BAND_WIDTH,
        type: 'line',
        stack: 'interval',
        data: rows.map((row) => (row.lo80 === null || row.hi80 === null ? null : round(row.hi80 - row.lo80))),
        lineStyle: { opacity: 0 },
        areaStyle: { color: forecastColor, opacity: 0.18 },
        itemStyle: { color: forecastColor },
        symbol: 'none',
        silent: true,
      },
      { name: 'Actual', type: 'line', data: rows.map((row) => row.actual), symbol: 'none', itemStyle: { color: actualColor }, lineStyle: { width: 1.5 } },
      { name: 'Forecast', type: 'line', data: rows.map((row) => round(row.forecast)), symbol: 'none', itemStyle: { color: forecastColor }, lineStyle: { width: 2, type: 'dashed' } },
      ...(showToday
        ? [
            {
              name: TODAY,
              type: 'line',
              data: [
                [options.today, 0],
                [options.today, top],
              ],
              symbol: 'none',
              silent: true,
              itemStyle: { color: PALETTE[5] },
              lineStyle: { width: 1, type: 'dotted' },
            },
          ]
        : []),
    ],
  };
}

import type { Timeseries } from '../api/types.ts';
import { PALETTE, type ChartFormat, type ChartOption } from './chart-types.ts';

/** Orders (bars, left axis) and revenue (line, right axis) per bucket of the window. */
export function ordersRevenueOption(orders: Timeseries, revenueCents: Timeseries, format: ChartFormat): ChartOption {
  const revenueAt = new Map(revenueCents.map((point) => [point.t, point.value]));
  return {
    color: [PALETTE[0], PALETTE[1]],
    tooltip: { trigger: 'axis' },
    legend: { data: ['Orders', 'Revenue'], top: 0 },
    grid: { left: 48, right: 72, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: orders.map((point) => format.time(point.t)) },
    yAxis: [
      { type: 'value', name: 'Orders', minInterval: 1, axisLabel: { formatter: (value: number) => format.number(value) } },
      { type: 'value', name: 'Revenue', axisLabel: { formatter: (value: number) => format.money(value) }, splitLine: { show: false } },
    ],
    series: [
      { name: 'Orders', type: 'bar', data: orders.map((point) => point.value ?? 0), tooltip: { valueFormatter: (value: number) => format.number(value) } },
      {
        name: 'Revenue',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        data: orders.map((point) => revenueAt.get(point.t) ?? 0),
        tooltip: { valueFormatter: (value: number) => format.money(value) },
      },
    ],
  };
}

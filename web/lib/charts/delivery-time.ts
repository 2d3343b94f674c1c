import type { Timeseries } from '../api/types.ts';
import { PALETTE, type ChartFormat, type ChartOption } from './chart-types.ts';

/**
 * The delivery-time distribution per bucket: median, mean and 90th percentile of the orders
 * delivered in it (the API answers quantiles, not single deliveries). Buckets without
 * deliveries are gaps, not zeros.
 */
export function deliveryTimeOption(series: { p50: Timeseries; mean: Timeseries; p90: Timeseries }, format: ChartFormat): ChartOption {
  const valuesOf = (points: Timeseries) => points.map((point) => point.value);
  return {
    color: [PALETTE[2], PALETTE[0], PALETTE[3]],
    tooltip: { trigger: 'axis', valueFormatter: (value: number | null) => (value === null || value === undefined ? '—' : format.hours(value)) },
    legend: { data: ['Median', 'Mean', '90th percentile'], top: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: series.p50.map((point) => format.time(point.t)) },
    yAxis: { type: 'value', name: 'Hours', axisLabel: { formatter: (value: number) => format.hours(value) } },
    series: [
      { name: 'Median', type: 'line', data: valuesOf(series.p50), connectNulls: false },
      { name: 'Mean', type: 'line', data: valuesOf(series.mean), connectNulls: false, lineStyle: { type: 'dashed' } },
      { name: '90th percentile', type: 'line', data: valuesOf(series.p90), connectNulls: false, areaStyle: { opacity: 0.08 } },
    ],
  };
}

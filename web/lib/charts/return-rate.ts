import { PALETTE, type ChartFormat, type ChartOption } from './chart-types.ts';

export interface CategoryRate {
  category: string;
  returnRate: number | null;
}

/** Return rate per product category, highest first; categories without sales are left out. */
export function returnRateOption(rows: CategoryRate[], format: ChartFormat): ChartOption {
  const known = rows.filter((row): row is { category: string; returnRate: number } => row.returnRate !== null).sort((a, b) => a.returnRate - b.returnRate);
  return {
    color: [PALETTE[3]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (value: number) => format.percent(value) },
    grid: { left: 110, right: 48, top: 8, bottom: 24 },
    xAxis: { type: 'value', axisLabel: { formatter: (value: number) => format.percent(value) } },
    yAxis: { type: 'category', data: known.map((row) => row.category) },
    series: [
      {
        name: 'Return rate',
        type: 'bar',
        data: known.map((row) => row.returnRate),
        label: { show: true, position: 'right', formatter: (params: { value: number }) => format.percent(params.value) },
      },
    ],
  };
}

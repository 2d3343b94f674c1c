import type { Kpis } from '../api/types.ts';
import { PALETTE, type ChartFormat, type ChartOption } from './chart-types.ts';

const PARTS = [
  ['pickPackPerOrder', 'Pick & pack'],
  ['packagingPerOrder', 'Packaging'],
  ['labelPerOrder', 'Shipping labels'],
  ['splitExtraPerOrder', 'Split shipments'],
] as const;

/** Where the fulfillment cost per order goes; parts without data are left out. */
export function fulfillmentCostOption(cost: Kpis['fulfillmentCostCents'], format: ChartFormat): ChartOption {
  const data = PARTS.flatMap(([key, name]) => {
    const value = cost[key];
    return value === null || value <= 0 ? [] : [{ name, value }];
  });
  return {
    color: [...PALETTE],
    tooltip: { trigger: 'item', valueFormatter: (value: number) => `${format.money(value)} per order` },
    legend: { orient: 'vertical', right: 0, top: 'middle' },
    series: [
      {
        name: 'Cost per order',
        type: 'pie',
        radius: ['45%', '72%'],
        center: ['38%', '52%'],
        label: { formatter: (params: { value: number }) => format.money(params.value) },
        data,
      },
    ],
  };
}

export function hasCostBreakdown(cost: Kpis['fulfillmentCostCents']): boolean {
  return PARTS.some(([key]) => (cost[key] ?? 0) > 0);
}

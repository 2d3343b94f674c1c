import type { EChartsCoreOption } from 'echarts/core';

/** What every option builder returns: a plain object for `chart.setOption`. */
export type ChartOption = EChartsCoreOption;

/** The few formatting functions a builder needs, so that builders stay pure and testable. */
export interface ChartFormat {
  number(value: number): string;
  money(cents: number): string;
  percent(value: number): string;
  hours(value: number): string;
  time(iso: string): string;
}

export const PALETTE = ['#1f5fbf', '#e07b00', '#2a9d8f', '#c0392b', '#7d5ba6', '#6b7a8f', '#d4a017'] as const;

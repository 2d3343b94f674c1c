import type { Formatters } from '../format.ts';
import type { Kpis } from '../api/types.ts';

export interface TileInput {
  kpis: Kpis;
  previous: Kpis | null;
  backlog: number | null;
  currency: string;
}

export interface Tile {
  id: string;
  label: string;
  value: string;
  /** Change against the previous window of the same length; null when either side has no value. */
  trend: { text: string; direction: 'up' | 'down' | 'flat'; good: boolean | null } | null;
  hint: string;
}

interface TileSpec {
  id: string;
  label: string;
  hint: string;
  read: (input: TileInput) => number | null;
  readPrevious?: (previous: Kpis) => number | null;
  show: (value: number | null, format: Formatters, currency: string) => string;
  /** true: up is good; false: down is good; null: neither. */
  higherIsBetter: boolean | null;
}

const SPECS: TileSpec[] = [
  { id: 'orders', label: 'Orders', hint: 'Orders placed in the window', read: (i) => i.kpis.orders, readPrevious: (p) => p.orders, show: (v, f) => f.number(v), higherIsBetter: true },
  { id: 'revenue', label: 'Revenue', hint: 'Order totals placed in the window', read: (i) => i.kpis.revenueCents, readPrevious: (p) => p.revenueCents, show: (v, f, c) => f.money(v, c), higherIsBetter: true },
  { id: 'delivery-p50', label: 'Delivery time p50', hint: 'Median hours from placement to delivery', read: (i) => i.kpis.deliveryTimeHours.p50, readPrevious: (p) => p.deliveryTimeHours.p50, show: (v, f) => f.hours(v), higherIsBetter: false },
  { id: 'delivery-p90', label: 'Delivery time p90', hint: '90th percentile of delivery hours', read: (i) => i.kpis.deliveryTimeHours.p90, readPrevious: (p) => p.deliveryTimeHours.p90, show: (v, f) => f.hours(v), higherIsBetter: false },
  { id: 'on-time', label: 'On-time rate', hint: 'Deliveries within their promise', read: (i) => i.kpis.onTimeRate, readPrevious: (p) => p.onTimeRate, show: (v, f) => f.percent(v), higherIsBetter: true },
  { id: 'cost-per-order', label: 'Cost per order', hint: 'Pick, pack, packaging, labels and splits per order', read: (i) => i.kpis.fulfillmentCostCents.perOrder, readPrevious: (p) => p.fulfillmentCostCents.perOrder, show: (v, f, c) => f.money(v, c), higherIsBetter: false },
  { id: 'cost-share', label: 'Cost share of revenue', hint: 'Fulfillment cost ÷ revenue of the orders', read: (i) => i.kpis.fulfillmentCostCents.shareOfRevenue, readPrevious: (p) => p.fulfillmentCostCents.shareOfRevenue, show: (v, f) => f.percent(v), higherIsBetter: false },
  { id: 'return-rate', label: 'Return rate', hint: 'Units returned ÷ units delivered', read: (i) => i.kpis.returnRate, readPrevious: (p) => p.returnRate, show: (v, f) => f.percent(v), higherIsBetter: false },
  { id: 'backlog', label: 'Backlog', hint: 'Open orders right now', read: (i) => i.backlog, show: (v, f) => f.number(v), higherIsBetter: false },
  { id: 'pipeline-lag', label: 'Pipeline lag', hint: 'How far analytics trail the orders database', read: (i) => i.kpis.pipelineLagMs, show: (v, f) => f.duration(v), higherIsBetter: false },
];

export function trendOf(current: number | null, previous: number | null, higherIsBetter: boolean | null, format: Formatters): Tile['trend'] {
  if (current === null || previous === null) return null;
  if (current === previous) return { text: 'no change', direction: 'flat', good: null };
  const direction = current > previous ? 'up' : 'down';
  const text = previous === 0 ? 'new' : `${current > previous ? '+' : '−'}${format.percent(Math.abs(current - previous) / Math.abs(previous), 0).replace(/^[-−]/, '')}`;
  const good = higherIsBetter === null ? null : (direction === 'up') === higherIsBetter;
  return { text, direction, good };
}

/** The control tower's tiles, in display order, with their trend against the previous window. */
export function kpiTiles(input: TileInput, format: Formatters): Tile[] {
  return SPECS.map((spec) => {
    const value = spec.read(input);
    const previous = spec.readPrevious && input.previous ? spec.readPrevious(input.previous) : null;
    return {
      id: spec.id,
      label: spec.label,
      hint: spec.hint,
      value: spec.show(value, format, input.currency),
      trend: spec.readPrevious ? trendOf(value, previous, spec.higherIsBetter, format) : null,
    };
  });
}

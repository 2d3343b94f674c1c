import { describe, expect, it } from 'vitest';
import { backlogHeatmapOption, locationBacklogOption } from '../../../web/lib/charts/backlog.ts';
import type { ChartFormat } from '../../../web/lib/charts/chart-types.ts';
import { deliveryTimeOption } from '../../../web/lib/charts/delivery-time.ts';
import { fulfillmentCostOption, hasCostBreakdown } from '../../../web/lib/charts/fulfillment-cost.ts';
import { ordersRevenueOption } from '../../../web/lib/charts/orders-revenue.ts';
import { returnRateOption } from '../../../web/lib/charts/return-rate.ts';

const format: ChartFormat = {
  number: (v) => String(v),
  money: (c) => `$${(c / 100).toFixed(2)}`,
  percent: (v) => `${(v * 100).toFixed(1)}%`,
  hours: (v) => `${v} h`,
  time: (iso) => iso.slice(11, 16),
};
const location = (id: string, code: string, lat: number, lon: number) =>
  ({ id, code, name: code, kind: 'warehouse', lat, lon, country: 'US', region: 'TX', dailyCapacity: 1, pickCostCents: 0, packCostCents: 0, currency: 'USD', active: true, shipsToCustomers: true, offersPickup: false, createdAt: '' }) as const;

const series = (option: any) => option.series as any[];

describe('chart option builders', () => {
  it('orders and revenue share one time axis; revenue follows the orders buckets, missing buckets are 0', () => {
    const option = ordersRevenueOption(
      [{ t: '2026-11-01T10:00:00Z', value: 3 }, { t: '2026-11-01T11:00:00Z', value: null }],
      [{ t: '2026-11-01T10:00:00Z', value: 4500 }],
      format,
    ) as any;
    expect(option.xAxis.data).toEqual(['10:00', '11:00']);
    expect(series(option)[0].data).toEqual([3, 0]);
    expect(series(option)[1]).toMatchObject({ type: 'line', yAxisIndex: 1, data: [4500, 0] });
  });

  it('delivery time keeps buckets without deliveries as gaps (null), not zeros', () => {
    const points = (values: (number | null)[]) => values.map((value, i) => ({ t: `2026-11-01T1${i}:00:00Z`, value }));
    const option = deliveryTimeOption({ p50: points([20, null]), mean: points([24, null]), p90: points([40, null]) }, format);
    expect(series(option).map((s) => s.data)).toEqual([[20, null], [24, null], [40, null]]);
  });

  it('the cost breakdown leaves out parts without cost', () => {
    const cost = { perOrder: 500, shareOfRevenue: 0.05, pickPackPerOrder: 300, packagingPerOrder: 0, labelPerOrder: 200, splitExtraPerOrder: null };
    expect(series(fulfillmentCostOption(cost, format))[0].data).toEqual([
      { name: 'Pick & pack', value: 300 },
      { name: 'Shipping labels', value: 200 },
    ]);
    expect(hasCostBreakdown({ ...cost, pickPackPerOrder: null, labelPerOrder: 0 })).toBe(false);
  });

  it('return rates are sorted so the highest is on top, and categories without a rate are left out', () => {
    const option = returnRateOption(
      [
        { category: 'shoes', returnRate: 0.2 },
        { category: 'hats', returnRate: null },
        { category: 'tees', returnRate: 0.05 },
      ],
      format,
    ) as any;
    expect(option.yAxis.data).toEqual(['tees', 'shoes']);
    expect(series(option)[0].data).toEqual([0.05, 0.2]);
  });

  it('the backlog heatmap orders statuses as orders flow and names locations by code', () => {
    const backlog = [
      { status: 'packed', locationId: 'b', orders: 2 },
      { status: 'placed', locationId: 'a', orders: 5 },
      { status: 'picking', locationId: 'a', orders: 1 },
    ];
    const option = backlogHeatmapOption(backlog, [location('a', 'DAL', 32, -96), location('b', 'RNO', 39, -119)], format) as any;
    expect(option.xAxis.data).toEqual(['placed', 'picking', 'packed']);
    expect(option.yAxis.data).toEqual(['DAL', 'RNO']);
    expect(series(option)[0].data).toEqual([[2, 1, 2], [0, 0, 5], [1, 0, 1]]);
    expect(option.visualMap.max).toBe(5);
  });

  it('the location scatter places each location at lon/lat with its open orders, including locations with none', () => {
    const option = locationBacklogOption([{ status: 'placed', locationId: 'a', orders: 4 }, { status: 'packed', locationId: 'a', orders: 2 }], [location('a', 'DAL', 32, -96), location('b', 'RNO', 39, -119)], format);
    const [scatter] = series(option);
    expect(scatter.data.map((p: any) => p.value)).toEqual([[-96, 32, 6], [-119, 39, 0]]);
    expect(scatter.symbolSize([0, 0, 6])).toBeGreaterThan(scatter.symbolSize([0, 0, 0]));
  });
});

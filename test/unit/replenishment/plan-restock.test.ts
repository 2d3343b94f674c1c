import { describe, expect, it } from 'vitest';
import { planSkuRestock, type LocationPosition, type SupplyOption } from '#server/replenishment/plan-restock.ts';

const points = (forecast: number) =>
  Array.from({ length: 28 }, (_, i) => ({ date: new Date(Date.UTC(2026, 11, 7 + i)).toISOString().slice(0, 10), forecast }));

const at = (locationId: string, available: number, forecast: number, more: Partial<LocationPosition> = {}): LocationPosition => ({
  locationId,
  dropship: false,
  available,
  inbound: 0,
  arrivals: [],
  points: points(forecast),
  horizonSd: Array(28).fill(0),
  serviceLevel: 0.95,
  reviewPeriodDays: 7,
  leadTimeDays: null,
  active: true,
  ...more,
});

const supplier: SupplyOption = { supplierId: 'sup', unitCostCents: 500, leadTimeDays: 5, minimumOrderQuantity: 1, casePack: 10, currency: 'USD' };
const nearLane = () => ({ leadTimeDays: 2, costPerUnitCents: 40 });

describe('planSkuRestock', () => {
  it('buys up to the order-up-to level when the position is under the reorder point', () => {
    // No error: s = 5 × 10 = 50, S = 12 × 10 = 120; position 30 + 5 inbound = 35 → need 85 → 90 in cases of 10.
    const [p, ...rest] = planSkuRestock('SKU', [at('A', 30, 10, { inbound: 5 })], supplier, nearLane, 'USD');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ kind: 'purchase', supplierId: 'sup', quantity: 90, unitCostCents: 500, leadTimeDays: 5, stockoutDate: '2026-12-10' });
    expect(p!.position).toMatchObject({ reorderPoint: 50, orderUpTo: 120, available: 30, inbound: 5 });
  });

  it('proposes nothing above the reorder point', () => {
    expect(planSkuRestock('SKU', [at('A', 51, 10)], supplier, nearLane, 'USD')).toEqual([]);
  });

  it('moves stock from an overstocked location before buying', () => {
    // B holds 200 and needs S = 120 for itself: 80 can move. A needs 120 - 20 = 100: 80 by transfer, 20 bought.
    const plan = planSkuRestock('SKU', [at('A', 20, 10), at('B', 200, 10)], supplier, nearLane, 'USD');
    expect(plan.map((p) => [p.kind, p.fromLocationId, p.quantity])).toEqual([
      ['transfer', 'B', 80],
      ['purchase', null, 20],
    ]);
    expect(plan[0]).toMatchObject({ unitCostCents: 40, leadTimeDays: 2 });
  });

  it('does not transfer on a lane slower than buying, nor to or from a drop-ship vendor', () => {
    const slowLane = () => ({ leadTimeDays: 9, costPerUnitCents: 40 });
    expect(planSkuRestock('SKU', [at('A', 20, 10), at('B', 500, 10)], supplier, slowLane, 'USD').map((p) => p.kind)).toEqual(['purchase']);
    expect(planSkuRestock('SKU', [at('A', 20, 10), at('V', 500, 10, { dropship: true })], supplier, nearLane, 'USD').map((p) => p.kind)).toEqual(['purchase']);
    expect(planSkuRestock('SKU', [at('V', 20, 10, { dropship: true }), at('B', 500, 10)], supplier, nearLane, 'USD').map((p) => p.kind)).toEqual(['purchase']);
  });

  it('serves the location running out first when donors are short', () => {
    const plan = planSkuRestock('SKU', [at('A', 40, 10), at('C', 5, 10), at('B', 170, 10)], null, nearLane, 'USD');
    // Lead time 7 without a supplier: S = 140, so B can give 30; C runs out first and takes it all; A gets nothing.
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ kind: 'transfer', locationId: 'C', fromLocationId: 'B', quantity: 30 });
  });

  it('honours the planner’s lead time and stops for an inactive location', () => {
    const [p] = planSkuRestock('SKU', [at('A', 60, 10, { leadTimeDays: 10 })], supplier, nearLane, 'USD');
    expect(p).toMatchObject({ leadTimeDays: 10, quantity: 110 });
    expect(planSkuRestock('SKU', [at('A', 0, 10, { active: false })], supplier, nearLane, 'USD')).toEqual([]);
  });
});

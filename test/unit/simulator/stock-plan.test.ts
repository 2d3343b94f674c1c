import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { addDays } from '#server/simulator/calendar.ts';
import { ordersBetween } from '#server/simulator/daily-orders.ts';
import { defaultDemandModel } from '#server/simulator/demand-model.ts';
import { demandOver, expectedDemand } from '#server/simulator/expected-demand.ts';
import { quietScenario } from '#server/simulator/scenario.ts';
import { dailyUnitsBySku, initialStock, reorderQuantities } from '#server/simulator/stock-plan.ts';

const business = createBusiness(41);
const scenario = quietScenario('2026-04-01', '2026-06-01');
const model = { ...defaultDemandModel, anchorDay: '2026-04-01' };
const daily = demandOver((day) => expectedDemand(business, scenario, model, day), '2026-04-01', 14);
const perDay = new Map([...daily].map(([sku, d]) => [sku, { mean: d.mean / 14, variance: d.variance / 14 }]));

describe('expectedDemand: what the order generator sells, without sampling', () => {
  it('matches the units of generated orders over weeks, SKU by SKU in aggregate and in the long tail', () => {
    const from = '2026-04-01';
    const orders = [...ordersBetween(business, scenario, from, addDays(from, 28), 41, model)].flatMap((d) => d.orders);
    const sampled = dailyUnitsBySku(orders, 28);
    const expected = demandOver((day) => expectedDemand(business, scenario, model, day), from, 28);
    const total = (m: Iterable<number>) => [...m].reduce((a, b) => a + b, 0);
    // Declined payments never ship (about 2 % of orders); everything else is in the expectation.
    expect(total(sampled.values()) / (total([...expected.values()].map((d) => d.mean)) / 28)).toBeGreaterThan(0.9);
    expect(total(sampled.values()) / (total([...expected.values()].map((d) => d.mean)) / 28)).toBeLessThan(1.05);
    // Every SKU is expected to sell: none is left at zero (and so never reordered).
    expect([...expected.values()].every((d) => d.mean > 0 && d.variance >= d.mean)).toBe(true);
    // Cases of up to 48 make demand lumpy: the variance of a day's units is far above its mean.
    const top = [...expected.entries()].sort((a, b) => b[1].mean - a[1].mean)[0]![1];
    expect(top.variance / top.mean).toBeGreaterThan(10);
  });
});

describe('initialStock: opening inventory from expected demand', () => {
  it('stocks every SKU somewhere, drop-shipped products only at their vendor', () => {
    const levels = initialStock(business, perDay);
    for (const product of business.products) {
      const at = levels.filter((l) => l.sku === product.sku);
      expect(at.length).toBeGreaterThan(0);
      if (product.dropshipVendorCode) expect(at.map((l) => l.locationCode)).toEqual([product.dropshipVendorCode]);
      else expect(at.map((l) => l.locationCode)).not.toContain(business.dropshipVendorCode);
    }
    expect(levels.every((l) => Number.isInteger(l.onHand) && l.onHand > 0)).toBe(true);
  });

  it('holds the designed cover of the network’s demand in warehouses and the 3PL, plus safety stock for the lead time', () => {
    const centres = new Set(business.locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl').map((l) => l.code));
    const held = (levels: { locationCode: string; onHand: number }[]) => levels.filter((l) => centres.has(l.locationCode)).reduce((n, l) => n + l.onHand, 0);
    const demand = business.products.filter((p) => !p.dropshipVendorCode).reduce((n, p) => n + perDay.get(p.sku)!.mean, 0);
    const bare = held(initialStock(business, perDay, { coverDays: 30, storeCoverDays: 7, safetyFactor: 0 }));
    expect(bare / demand).toBeGreaterThan(30);
    expect(bare / demand).toBeLessThan(32);
    expect(held(initialStock(business, perDay, { coverDays: 30, storeCoverDays: 7, safetyFactor: 2 }, () => 7))).toBeGreaterThan(bare);
  });
});

describe('reorderQuantities: an (s, S) policy with safety stock', () => {
  const share = new Map([['WH', 0.5]]);
  const coverage = (sku: string) => (sku === 'LUMPY' ? { protect: { mean: 8, variance: 800 }, cycle: 20 } : { protect: { mean: 80, variance: 80 }, cycle: 200 });

  it('orders up to the reorder point plus the cycle when the position falls under mean demand over the lead time and its safety stock', () => {
    // s = 40 + 2·√40 ≈ 52.6: a position of 50 reorders, 53 does not.
    expect(reorderQuantities([{ sku: 'STEADY', locationCode: 'WH', onHand: 50 }], share, coverage, 2)).toEqual([{ sku: 'STEADY', locationCode: 'WH', onHand: Math.ceil(40 + 2 * Math.sqrt(40) + 100 - 50) }]);
    expect(reorderQuantities([{ sku: 'STEADY', locationCode: 'WH', onHand: 53 }], share, coverage, 2)).toEqual([]);
  });

  it('holds far more than the mean for demand that comes in cases', () => {
    // Mean over the lead time 4 units, but a standard deviation of 20: s = 4 + 2·20 = 44.
    expect(reorderQuantities([{ sku: 'LUMPY', locationCode: 'WH', onHand: 40 }], share, coverage, 2)).toEqual([{ sku: 'LUMPY', locationCode: 'WH', onHand: 14 }]);
    expect(reorderQuantities([{ sku: 'LUMPY', locationCode: 'WH', onHand: 45 }], share, coverage, 2)).toEqual([]);
  });

  it('leaves alone levels it has no share or coverage for', () => {
    expect(reorderQuantities([{ sku: 'STEADY', locationCode: 'ELSEWHERE', onHand: 0 }], share, coverage, 2)).toEqual([]);
    expect(reorderQuantities([{ sku: 'STEADY', locationCode: 'WH', onHand: 0 }], share, () => undefined, 2)).toEqual([]);
  });
});

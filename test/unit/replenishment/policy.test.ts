import { describe, expect, it } from 'vitest';
import { demandOver, errorSdOver, normalQuantile, orderQuantity, policyLevels, stockoutOutlook } from '#server/replenishment/policy.ts';

const days = (n: number, forecast: number, start = '2026-12-07') =>
  Array.from({ length: n }, (_, i) => ({ date: new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10), forecast }));

describe('normalQuantile', () => {
  it('matches the standard normal table', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
  });
  it('refuses what is not a probability', () => {
    expect(() => normalQuantile(1)).toThrow(RangeError);
    expect(() => normalQuantile(0)).toThrow(RangeError);
  });
});

describe('policy levels', () => {
  it('are the hand-computed (R, s, S) figures', () => {
    // 10 a day, error sd 3 every day, lead time 4, review 3, 95 %:
    // s = 40 + 1.6449 × 3√4 = 49.869; S = 70 + 1.6449 × 3√7 = 83.056
    const levels = policyLevels({ points: days(28, 10), horizonSd: Array(28).fill(3), leadTimeDays: 4, reviewPeriodDays: 3, serviceLevel: 0.95 });
    expect(levels.demandOverLeadTime).toBe(40);
    expect(levels.demandOverProtection).toBe(70);
    expect(levels.reorderPoint).toBeCloseTo(40 + 1.644854 * 6, 3);
    expect(levels.orderUpTo).toBeCloseTo(70 + 1.644854 * 3 * Math.sqrt(7), 3);
    expect(levels.safetyStock).toBeCloseTo(1.644854 * 3 * Math.sqrt(7), 3);
  });

  it('carries the last week of the forecast past the horizon', () => {
    const points = [...days(21, 2), ...days(7, 4, '2026-12-28')];
    expect(demandOver(points, 30)).toBe(21 * 2 + 7 * 4 + 2 * 4);
    expect(errorSdOver([1, 2], 4)).toBeCloseTo(Math.sqrt(1 + 4 + 4 + 4), 9);
    expect(errorSdOver([], 4)).toBe(0);
  });

  it('never lets a negative forecast lower demand', () => {
    const points = days(7, -5);
    expect(demandOver(points, 7)).toBe(0);
  });
});

describe('order quantity', () => {
  it('rounds up to whole case packs and at least the minimum', () => {
    expect(orderQuantity(13.2, 1, 1)).toBe(14);
    expect(orderQuantity(13.2, 1, 12)).toBe(24);
    expect(orderQuantity(5, 50, 1)).toBe(50);
    expect(orderQuantity(5, 50, 12)).toBe(60);
    expect(orderQuantity(0, 50, 12)).toBe(0);
  });
});

describe('stock-out outlook', () => {
  it('finds the first uncovered day and the shortfall at the horizon', () => {
    const outlook = stockoutOutlook(days(10, 10), 35);
    expect(outlook.stockoutDate).toBe('2026-12-10');
    expect(outlook.daysOfCover).toBe(3);
    expect(outlook.shortUnits).toBe(65);
  });
  it('lands arrivals on their day', () => {
    const outlook = stockoutOutlook(days(10, 10), 35, [{ date: '2026-12-10', quantity: 100 }]);
    expect(outlook.stockoutDate).toBeNull();
    expect(outlook.shortUnits).toBe(0);
    const late = stockoutOutlook(days(10, 10), 35, [{ date: '2026-12-11', quantity: 100 }]);
    expect(late.stockoutDate).toBe('2026-12-10');
    expect(late.shortUnits).toBe(0);
  });
  it('counts an overdue arrival from the first day', () => {
    expect(stockoutOutlook(days(5, 10), 0, [{ date: '2026-12-01', quantity: 50 }]).stockoutDate).toBeNull();
  });
});

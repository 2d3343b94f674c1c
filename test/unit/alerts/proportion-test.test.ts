import { describe, expect, it } from 'vitest';
import { oneProportionZ, twoProportionZ } from '#server/alerts/proportion-test.ts';

describe('twoProportionZ', () => {
  it('matches the textbook pooled z for 15 of 35 against 8 of 400', () => {
    const pooled = 23 / 435;
    const expected = (15 / 35 - 8 / 400) / Math.sqrt(pooled * (1 - pooled) * (1 / 35 + 1 / 400));
    expect(twoProportionZ(15, 35, 8, 400)).toBeCloseTo(expected, 10);
    expect(twoProportionZ(15, 35, 8, 400)).toBeCloseTo(10.37, 1);
  });

  it('is 0 for equal rates, negative for a lower recent rate', () => {
    expect(twoProportionZ(5, 100, 50, 1000)).toBeCloseTo(0, 10);
    expect(twoProportionZ(1, 100, 100, 1000)).toBeLessThan(0);
  });

  it('is 0 without data or without variance (no declines at all, or nothing but)', () => {
    expect(twoProportionZ(0, 0, 5, 100)).toBe(0);
    expect(twoProportionZ(3, 10, 0, 0)).toBe(0);
    expect(twoProportionZ(0, 50, 0, 500)).toBe(0);
    expect(twoProportionZ(50, 50, 500, 500)).toBe(0);
  });

  it('grows with the sample for the same rates', () => {
    expect(twoProportionZ(20, 100, 100, 1000)).toBeGreaterThan(twoProportionZ(2, 10, 10, 100));
  });
});

describe('oneProportionZ', () => {
  it('measures a rate against an expected one', () => {
    expect(oneProportionZ(10, 40, 0.1)).toBeCloseTo((0.25 - 0.1) / Math.sqrt((0.1 * 0.9) / 40), 10);
    expect(oneProportionZ(3, 40, 0.1)).toBeLessThan(0);
  });

  it('is 0 without attempts or with a degenerate expected rate', () => {
    expect(oneProportionZ(0, 0, 0.1)).toBe(0);
    expect(oneProportionZ(3, 10, 0)).toBe(0);
    expect(oneProportionZ(3, 10, 1)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { allocateProportionally, applyPercentBp, applyRatePpm, isCurrencyCode } from '#server/core/money.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** The rounding we promise, computed exactly with BigInt: half away from zero. */
function exactRoundedShare(amount: number, rate: number, denominator: number): number {
  const numerator = BigInt(amount) * BigInt(rate);
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (magnitude * 2n + BigInt(denominator)) / (2n * BigInt(denominator));
  return Number(numerator < 0n ? -rounded : rounded);
}

describe('applyRatePpm', () => {
  it('takes 6.25% of 3998 cents as 250 (249.875 rounds up)', () => {
    expect(applyRatePpm(3998, 62_500)).toBe(250);
  });

  it('rounds below a half down and a half or more up', () => {
    expect(applyRatePpm(1, 400_000)).toBe(0); // 0.4
    expect(applyRatePpm(1, 600_000)).toBe(1); // 0.6
    expect(applyRatePpm(10, 50_000)).toBe(1); // exactly 0.5
    expect(applyRatePpm(30, 50_000)).toBe(2); // exactly 1.5
    expect(applyRatePpm(50, 50_000)).toBe(3); // exactly 2.5: away from zero, not to even
  });

  it('rounds negative amounts half away from zero, symmetric with positive ones', () => {
    expect(applyRatePpm(-3998, 62_500)).toBe(-250);
    expect(applyRatePpm(-10, 50_000)).toBe(-1); // exactly -0.5
    expect(applyRatePpm(-50, 50_000)).toBe(-3); // exactly -2.5
  });

  it('is zero for a zero amount or a zero rate', () => {
    expect(applyRatePpm(0, 62_500)).toBe(0);
    expect(applyRatePpm(3998, 0)).toBe(0);
  });

  it('returns the amount itself at a rate of one million ppm', () => {
    expect(applyRatePpm(123_456, 1_000_000)).toBe(123_456);
  });

  it('matches exact BigInt rounding over many random amounts and rates', () => {
    const random = seededRandom(20_240_601);
    for (let i = 0; i < 20_000; i++) {
      const amount = random.int(-1_000_000_000, 1_000_000_000);
      const ratePpm = random.int(0, 1_000_000);
      expect(applyRatePpm(amount, ratePpm), `${amount} at ${ratePpm} ppm`).toBe(exactRoundedShare(amount, ratePpm, 1_000_000));
    }
  });

  it('refuses amounts whose product is beyond safe integers instead of losing cents', () => {
    expect(() => applyRatePpm(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });
});

describe('applyPercentBp', () => {
  it('takes 625 bp (6.25%) of 3998 cents as 250', () => {
    expect(applyPercentBp(3998, 625)).toBe(250);
  });

  it('takes 10% of 1999 cents as 200 (199.9 rounds up)', () => {
    expect(applyPercentBp(1999, 1000)).toBe(200);
  });

  it('rounds exact halves away from zero', () => {
    expect(applyPercentBp(5, 1000)).toBe(1); // 0.5
    expect(applyPercentBp(15, 1000)).toBe(2); // 1.5
    expect(applyPercentBp(25, 1000)).toBe(3); // 2.5
    expect(applyPercentBp(-25, 1000)).toBe(-3); // -2.5
  });

  it('is zero for a zero amount and the whole amount at 10000 bp', () => {
    expect(applyPercentBp(0, 2500)).toBe(0);
    expect(applyPercentBp(4321, 10_000)).toBe(4321);
  });

  it('matches exact BigInt rounding over many random amounts and percentages', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 20_000; i++) {
      const amount = random.int(-100_000_000, 100_000_000);
      const percentBp = random.int(0, 10_000);
      expect(applyPercentBp(amount, percentBp), `${amount} at ${percentBp} bp`).toBe(exactRoundedShare(amount, percentBp, 10_000));
    }
  });
});

describe('allocateProportionally', () => {
  it('splits 100 cents over three equal weights as 34, 33, 33 (the first remainder goes first)', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it('gives the leftover cents to the largest remainders', () => {
    // Exact shares 1.5, 2.5 and 6: both halves tie, so the earlier line wins the single leftover cent.
    expect(allocateProportionally(10, [3, 5, 12])).toEqual([2, 2, 6]);
    // Exact shares 3.3, 3.7, 3: the larger remainder takes the cent.
    expect(allocateProportionally(10, [33, 37, 30])).toEqual([3, 4, 3]);
  });

  it('gives nothing to a zero weight', () => {
    expect(allocateProportionally(100, [0, 1, 3])).toEqual([0, 25, 75]);
    expect(allocateProportionally(11, [1, 0, 1])).toEqual([6, 0, 5]);
  });

  it('puts the whole amount on the first part when every weight is zero', () => {
    expect(allocateProportionally(100, [0, 0, 0])).toEqual([100, 0, 0]);
  });

  it('returns no parts for no weights', () => {
    expect(allocateProportionally(100, [])).toEqual([]);
  });

  it('splits zero into zeros', () => {
    expect(allocateProportionally(0, [5, 7])).toEqual([0, 0]);
  });

  it('splits a negative total (a refund) so it still sums exactly', () => {
    const parts = allocateProportionally(-100, [1, 1, 1]);
    expect(parts.reduce((sum, p) => sum + p, 0)).toBe(-100);
    expect(parts.every((p) => p === -33 || p === -34)).toBe(true);
  });

  it('always sums exactly to the total and keeps each part within a cent of its exact share', () => {
    const random = seededRandom(42);
    const violations: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const total = random.int(0, 10_000_000);
      const weights = Array.from({ length: random.int(1, 20) }, () => (random.next() < 0.2 ? 0 : random.int(1, 1_000_000)));
      const parts = allocateProportionally(total, weights);
      const weightSum = weights.reduce((sum, w) => sum + w, 0);
      const sum = parts.reduce((acc, p) => acc + p, 0);
      const offShare = parts.some((part, index) => !Number.isInteger(part) || (weightSum > 0 && Math.abs(part - (total * weights[index]!) / weightSum) >= 1));
      if (parts.length !== weights.length || sum !== total || offShare) violations.push(`${total} over [${weights.join(', ')}] → [${parts.join(', ')}]`);
    }
    expect(violations).toEqual([]);
  });
});

describe('isCurrencyCode', () => {
  it('accepts ISO 4217 codes', () => {
    for (const code of ['USD', 'EUR', 'GBP', 'JPY', 'CHF']) expect(isCurrencyCode(code), code).toBe(true);
  });

  it('rejects lower case, wrong lengths and unknown codes', () => {
    for (const code of ['usd', 'Usd', 'US', 'USDX', '', 'ZZZ', 'U$D', ' USD']) expect(isCurrencyCode(code), JSON.stringify(code)).toBe(false);
  });
});

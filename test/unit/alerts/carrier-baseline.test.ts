import { describe, expect, it } from 'vitest';
import { baselineShares, expectedLate, sumTallies } from '#server/alerts/rules/carrier-baseline.ts';

const settings = { minBaselineParcels: 30, priorParcels: 30, weekdayParcels: 20 };
// Another carrier's 400 parcels, 20% late: Thursdays 10%, Fridays 40%, Mondays 15%.
const network = {
  overall: { parcels: 400, late: 80 },
  strata: [
    { dow: 4, parcels: 100, late: 10 },
    { dow: 5, parcels: 100, late: 40 },
    { dow: 1, parcels: 200, late: 30 },
  ],
};
// A carrier that has carried 7 parcels: Thursdays 0 of 3 late, Fridays 1 of 4.
const young = { overall: { parcels: 7, late: 1 }, strata: [{ dow: 4, parcels: 3, late: 0 }, { dow: 5, parcels: 4, late: 1 }] };

describe('baselineShares', () => {
  it('a long history speaks for itself: its own share, a weekday pulled to it as if by 20 parcels', () => {
    const own = { overall: { parcels: 300, late: 30 }, strata: [{ dow: 1, parcels: 100, late: 20 }, { dow: 2, parcels: 200, late: 10 }] };
    const shares = baselineShares(own, null, settings)!;
    expect(shares).toMatchObject({ source: 'trailing', overall: { share: 0.1, parcels: 300 }, prior: { share: 0, parcels: 0 } });
    // Mondays: (20 × 10% + 20) / (20 + 100) = 22 / 120.
    expect(shares.weekday(1).share).toBeCloseTo(0.183333, 6);
    expect(shares.weekday(1).parcels).toBe(120);
    // A weekday it has never been due on: its overall share, resting on the 20.
    expect(shares.weekday(3)).toEqual({ share: 0.1, parcels: 20 });
  });

  it('a short history is pulled to the other carriers’ share, worth 30 parcels, and their weekday rhythm', () => {
    const shares = baselineShares(young, network, settings)!;
    // (30 × 20% + 1) / (30 + 7) = 7 / 37.
    expect(shares.source).toBe('network');
    expect(shares.overall.share).toBeCloseTo(7 / 37, 9);
    expect(shares.overall.parcels).toBe(37);
    expect(shares.prior).toEqual({ share: 0.2, parcels: 30 });
    // Thursdays run at half the network's overall share: prior 7/37 × 0.5 = 0.094595; with its own 0 of 3: (20 × 0.094595) / 23.
    expect(shares.weekday(4).share).toBeCloseTo(0.082256, 6);
    expect(shares.weekday(4).parcels).toBe(23);
    // Fridays at twice: prior 0.378378; with its own 1 of 4: (20 × 0.378378 + 1) / 24.
    expect(shares.weekday(5).share).toBeCloseTo(0.356982, 6);
  });

  it('the network counts only from 30 parcels of its own, and a carrier with neither has no usual share', () => {
    expect(baselineShares({ overall: { parcels: 10, late: 1 }, strata: [] }, { overall: { parcels: 20, late: 2 }, strata: [] }, settings)).toBeNull();
    // The prior never outweighs the network's own parcels: 40 of them count as 30, 29 own parcels + 30 suffice.
    expect(baselineShares({ overall: { parcels: 0, late: 0 }, strata: [] }, { overall: { parcels: 40, late: 4 }, strata: [] }, settings)).toMatchObject({ overall: { share: 0.1, parcels: 30 } });
    expect(baselineShares({ overall: { parcels: 29, late: 29 }, strata: [] }, null, settings)).toBeNull();
  });
});

describe('expectedLate', () => {
  it('adds each share’s own uncertainty, scaled to the parcels judged, to the binomial variance', () => {
    const shares = baselineShares(young, network, settings)!;
    // 19 parcels due on a Thursday at p = 0.082256: 19p = 1.562867; 19 p(1 − p) + 19² p(1 − p) / (23 + 1) = 1.434314 + 1.135498.
    const thursday = expectedLate([{ dow: 4, parcels: 19 }], shares);
    expect(thursday.expected).toBeCloseTo(1.562867, 5);
    expect(thursday.variance).toBeCloseTo(2.569809, 5);
    // Without weekdays, the overall share: 10 parcels at 10% of 300 → 1 expected, 0.9 + 100 × 0.09 / 301.
    const flat = expectedLate([{ dow: null, parcels: 10 }], baselineShares({ overall: { parcels: 300, late: 30 }, strata: [] }, null, settings)!);
    expect(flat.expected).toBeCloseTo(1, 9);
    expect(flat.variance).toBeCloseTo(0.929900, 6);
  });
});

describe('sumTallies', () => {
  it('sums carriers weekday by weekday', () => {
    expect(sumTallies([network, young])).toEqual({
      overall: { parcels: 407, late: 81 },
      strata: [
        { dow: 1, parcels: 200, late: 30 },
        { dow: 4, parcels: 103, late: 10 },
        { dow: 5, parcels: 104, late: 41 },
      ],
    });
  });
});

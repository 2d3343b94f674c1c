import { describe, expect, it } from 'vitest';
import { assessCarrier, carrierDelay, carrierTotals, withNetworkPriors, type CarrierCounts } from '#server/alerts/rules/carrier-delay.ts';

const defaults = carrierDelay.thresholds.parse({});
const steady: CarrierCounts = {
  carrier: 'national-parcel',
  service: 'standard',
  recent: 200,
  recent_late: 16,
  recent_overdue: 4,
  recent_delivered: 196,
  recent_transit_mean: 60,
  recent_transit_sd: 20,
  baseline: 4_000,
  baseline_late: 300,
  baseline_delivered: 4_000,
  baseline_transit_mean: 60,
  baseline_transit_sd: 20,
};

describe('assessCarrier', () => {
  it('finds nothing in a carrier’s usual rhythm', () => {
    expect(assessCarrier(steady, defaults, false)).toMatchObject({ lateSignal: false, transitSignal: false, baselineLateShare: 0.075, fromBaseline: true });
  });

  it('sees delivered parcels taking a day longer before the late share moves (transit time signal)', () => {
    const slower = assessCarrier({ ...steady, recent_transit_mean: 84 }, defaults, false);
    expect(slower.transitSignal).toBe(true);
    expect(slower.lateSignal).toBe(false);
    expect(slower.extraTransitHours).toBe(24);
    // Twelve hours longer is the least that counts, however significant.
    expect(assessCarrier({ ...steady, recent_transit_mean: 70, recent_delivered: 5_000 }, defaults, false).transitSignal).toBe(false);
  });

  it('a live alert holds on figures between clearZ and raiseZ, which would not open one', () => {
    // Any lift counts here. 34 of 200 late (17%) against 7.5%: z ≈ 4.9; 26 of 200 (13%): z ≈ 2.9.
    const t = { ...defaults, minLift: 0 };
    expect(assessCarrier({ ...steady, recent_late: 34 }, t, false).lateSignal).toBe(true);
    const between = { ...steady, recent_late: 26 };
    const z = assessCarrier(between, t, false).lateZ;
    expect(z).toBeGreaterThan(t.clearZ);
    expect(z).toBeLessThan(t.raiseZ);
    expect(assessCarrier(between, t, false).lateSignal).toBe(false);
    expect(assessCarrier(between, t, true).lateSignal).toBe(true);
  });

  it('holds the window to the baseline of the weekdays it is due on: a Friday usually late more often is not a slowdown', () => {
    // Fridays: 30% late usually (parcels a day late arrive on Monday); other days 5%.
    const strata = [
      { dow: 5, recent: 100, recentLate: 32, baseline: 800, baselineLate: 240 },
      { dow: 1, recent: 0, recentLate: 0, baseline: 800, baselineLate: 40 },
      { dow: 2, recent: 0, recentLate: 0, baseline: 800, baselineLate: 40 },
    ];
    const friday = { ...steady, recent: 100, recent_late: 32, baseline: 2_400, baseline_late: 320, strata };
    // Against the overall 13.3%, 32% is far off; against Fridays' 30%, it is not.
    expect(assessCarrier({ ...friday, strata: null }, defaults, false).lateSignal).toBe(true);
    // Fridays' 240 of 800 pulled to the overall 13.3% as if by 20 parcels: (20 × 0.1333 + 240) / 820 = 0.2959.
    const held = assessCarrier(friday, defaults, false);
    expect(held.lateSignal).toBe(false);
    expect(held.baselineLateShare).toBeCloseTo(0.2959, 4);
    // A slowdown on a Friday: 70% late.
    expect(assessCarrier({ ...friday, recent_late: 70, strata: [{ ...strata[0]!, recentLate: 70 }, ...strata.slice(1)] }, defaults, false).lateSignal).toBe(true);
  });

  it('without enough baseline of its own or of other carriers, tests against the fallback late share', () => {
    // A carrier too young to have a baseline, alone in the network, is held to half its parcels late (fresh networks run late).
    const young = assessCarrier({ ...steady, baseline: 20, baseline_late: 10, recent_late: 170 }, defaults, false);
    expect(young).toMatchObject({ fromBaseline: false, baselineLateShare: 0.5, lateSignal: true });
    expect(assessCarrier({ ...steady, baseline: 20, baseline_late: 10, recent_late: 110 }, defaults, false)).toMatchObject({ fromBaseline: false, lateSignal: false });
  });

  describe('a carrier with a short history, judged against the other carriers’', () => {
    // The other carriers' express: 400 parcels, 20% late; Thursdays 10%, Fridays 40%, Mondays 15%.
    const network = {
      baseline: 400,
      baselineLate: 80,
      strata: [
        { dow: 4, baseline: 100, baselineLate: 10 },
        { dow: 5, baseline: 100, baselineLate: 40 },
        { dow: 1, baseline: 200, baselineLate: 30 },
      ],
    };
    // 7 parcels of its own before the window (Thursdays 0 of 3, Fridays 1 of 4); Wednesday's 21 due, 4 late.
    const young: CarrierCounts = {
      ...steady,
      recent: 40,
      recent_late: 16,
      recent_overdue: 12,
      recent_delivered: 28,
      baseline: 7,
      baseline_late: 1,
      baseline_delivered: 7,
      due: 19,
      due_late: 12,
      strata: [
        { dow: 3, recent: 21, recentLate: 4, due: 0, dueLate: 0, baseline: 0, baselineLate: 0 },
        { dow: 4, recent: 19, recentLate: 12, due: 19, dueLate: 12, baseline: 3, baselineLate: 0 },
        { dow: 5, recent: 0, recentLate: 0, due: 0, dueLate: 0, baseline: 4, baselineLate: 1 },
      ],
      network,
    };

    it('raises on a slowed due batch that the 50% fallback would let pass', () => {
      // Thursdays: 7/37 overall × (10% / 20%) as the prior, 0 of 3 own → 0.082256; 19 due expect 1.5629, variance 2.5698:
      // z = (12 − 1.5629) / 1.6031 = 6.51.
      const a = assessCarrier(young, defaults, false);
      expect(a).toMatchObject({ dueSignal: true, baseline: 'network', priorShare: 0.2, priorParcels: 30, fromBaseline: false, transitZ: 0 });
      expect(a.dueBaselineShare).toBeCloseTo(0.082256, 5);
      expect(a.dueZ).toBeCloseTo(6.51, 2);
      // Alone in the network: 12 of 19 against half, z = (0.632 − 0.5) / √(0.25 / 19) = 1.15.
      const alone = assessCarrier({ ...young, network: null }, defaults, false);
      expect(alone).toMatchObject({ dueSignal: false, baseline: 'fallback', dueBaselineShare: 0.5 });
      expect(alone.dueZ).toBeCloseTo(1.147, 3);
    });

    it('stays silent on a due batch as late as the network’s on that weekday', () => {
      // 8 of 19 due on a Friday (42%): the network's Fridays run at 40%.
      const friday = {
        ...young,
        due_late: 8,
        recent_late: 12,
        strata: [
          { dow: 3, recent: 21, recentLate: 4, due: 0, dueLate: 0, baseline: 0, baselineLate: 0 },
          { dow: 5, recent: 19, recentLate: 8, due: 19, dueLate: 8, baseline: 4, baselineLate: 1 },
        ],
      };
      const a = assessCarrier(friday, defaults, false);
      expect(a).toMatchObject({ dueSignal: false, lateSignal: false });
      expect(a.dueBaselineShare).toBeCloseTo(0.356982, 5);
    });

    it('a carrier later than the others with a long baseline of its own is held to its own rhythm', () => {
      // Its own 1,000 parcels 30% late (Fridays 40%); the others' 8% pull it to (30 × 8% + 300) / 1,030 = 0.2936.
      const late: CarrierCounts = {
        ...steady,
        recent: 60,
        recent_late: 25,
        due: 60,
        due_late: 25,
        baseline: 1_000,
        baseline_late: 300,
        strata: [
          { dow: 5, recent: 60, recentLate: 25, due: 60, dueLate: 25, baseline: 200, baselineLate: 80 },
          { dow: 1, recent: 0, recentLate: 0, due: 0, dueLate: 0, baseline: 800, baselineLate: 220 },
        ],
        network: { baseline: 1_000, baselineLate: 80, strata: [{ dow: 5, baseline: 200, baselineLate: 20 }, { dow: 1, baseline: 800, baselineLate: 60 }] },
      };
      const a = assessCarrier(late, defaults, false);
      expect(a).toMatchObject({ baseline: 'trailing', dueSignal: false, lateSignal: false });
      // Fridays: prior 0.2936 × (10% / 8%) = 0.3670; with its own 80 of 200: (20 × 0.3670 + 80) / 220 = 0.3970.
      expect(a.dueBaselineShare).toBeCloseTo(0.397, 3);
    });
  });

  it('a carrier’s network is the other carriers’ same service, or all their services where that one has under 30 parcels', () => {
    const row = (carrier: string, service: string, baseline: number, late: number): CarrierCounts => ({
      ...steady,
      carrier,
      service,
      baseline,
      baseline_late: late,
      strata: [{ dow: 1, recent: 0, recentLate: 0, baseline, baselineLate: late }],
    });
    const rows = [row('a', 'express', 5, 1), row('a', 'standard', 7, 1), row('b', 'express', 20, 4), row('b', 'standard', 300, 30), row('c', 'standard', 100, 20)];
    const [aExpress, aStandard, bExpress] = withNetworkPriors(rows, rows, 30);
    // b's and c's express: 20 parcels, too few: all their services, 420 of which 54 late.
    expect(aExpress!.network).toEqual({ baseline: 420, baselineLate: 54, strata: [{ dow: 1, baseline: 420, baselineLate: 54 }] });
    expect(aStandard!.network).toMatchObject({ baseline: 400, baselineLate: 50 });
    // b's express: a's 5 express are too few, so a's and c's services: 112 parcels, 22 late.
    expect(bExpress!.network).toMatchObject({ baseline: 112, baselineLate: 22 });
    // The whole carrier a: the others' services summed.
    const [aWhole] = withNetworkPriors(carrierTotals(rows), rows, 30);
    expect(aWhole).toMatchObject({ carrier: 'a', service: '', baseline: 12, network: { baseline: 420, baselineLate: 54 } });
  });
});

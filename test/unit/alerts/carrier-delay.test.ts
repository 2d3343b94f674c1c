import { describe, expect, it } from 'vitest';
import { assessCarrier, carrierDelay, type CarrierCounts } from '#server/alerts/rules/carrier-delay.ts';

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
    expect(assessCarrier(friday, defaults, false)).toMatchObject({ lateSignal: false, baselineLateShare: 0.3 });
    // A slowdown on a Friday: 70% late.
    expect(assessCarrier({ ...friday, recent_late: 70, strata: [{ ...strata[0]!, recentLate: 70 }, ...strata.slice(1)] }, defaults, false).lateSignal).toBe(true);
  });

  it('without enough baseline, tests against the fallback late share', () => {
    // A carrier too young to have a baseline is held to half its parcels late (fresh networks run late).
    const young = assessCarrier({ ...steady, baseline: 20, baseline_late: 10, recent_late: 170 }, defaults, false);
    expect(young).toMatchObject({ fromBaseline: false, baselineLateShare: 0.5, lateSignal: true });
    expect(assessCarrier({ ...steady, baseline: 20, baseline_late: 10, recent_late: 110 }, defaults, false)).toMatchObject({ fromBaseline: false, lateSignal: false });
  });
});

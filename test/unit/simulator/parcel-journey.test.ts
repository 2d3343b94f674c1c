import { describe, expect, it } from 'vitest';
import type { Disruption } from '#server/simulator/disruptions.ts';
import { addBusinessDays, planCarrierScans } from '#server/simulator/parcel-journey.ts';
import { createRandom } from '#server/simulator/random.ts';

// A Tuesday evening hand-over, 1,200 km by national ground: promised four business days (Monday).
const trip = { carrier: 'national-parcel', service: 'standard' as const, km: 1_200, shippedAtMs: Date.parse('2026-03-03T21:15:00Z') };
const deliveredDay = (scans: { status: string; at: string }[]) => scans.find((s) => s.status === 'delivered')!.at.slice(0, 10);

describe('planCarrierScans: one parcel from hand-over to doorstep', () => {
  it('skips weekends when counting business days', () => {
    expect(new Date(addBusinessDays(Date.parse('2026-03-06T00:00:00Z'), 1)).toISOString().slice(0, 10)).toBe('2026-03-09');
    expect(new Date(addBusinessDays(Date.parse('2026-03-03T00:00:00Z'), 4)).toISOString().slice(0, 10)).toBe('2026-03-09');
  });

  it('scans in transit, out for delivery, then delivered, in time order, the same for the same stream', () => {
    const scans = planCarrierScans(trip, [], createRandom('parcel', 1));
    expect(scans).toEqual(planCarrierScans(trip, [], createRandom('parcel', 1)));
    expect(scans.map((s) => s.status).filter((s) => s !== 'exception')).toEqual(['in_transit', 'out_for_delivery', 'delivered']);
    expect(scans.map((s) => s.at)).toEqual(scans.map((s) => s.at).toSorted());
    expect(Date.parse(scans[0]!.at)).toBeGreaterThan(trip.shippedAtMs);
  });

  it('delivers most parcels on the promised day, and fewer while the scenario slows the carrier down', () => {
    const onTime = (disruptions: Disruption[]) => {
      const r = createRandom('on-time');
      const days = Array.from({ length: 4_000 }, () => deliveredDay(planCarrierScans(trip, disruptions, r)));
      return days.filter((d) => d <= '2026-03-09').length / days.length;
    };
    const slowdown: Disruption = { kind: 'carrier_slowdown', id: 'x', start: '2026-03-01', end: '2026-03-08', carrier: 'national-parcel', service: null, lateShare: 0.6, extraDays: 2 };
    expect(onTime([])).toBeGreaterThan(0.88);
    expect(onTime([slowdown])).toBeLessThan(0.45);
    expect(onTime([{ ...slowdown, carrier: 'regional-parcel' }])).toBeGreaterThan(0.88);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { carrierByCode, carriers, promisedTransitDays, sampleTransitDays, ZONE_LIMITS_KM } from '#server/simulator/carriers.ts';
import { createRandom } from '#server/simulator/random.ts';

describe('simulated carriers', () => {
  it('are the default sourcing policy carriers, with the same zones and promised transit days', () => {
    const fromPolicy = defaultSourcingPolicy.rates.map((r) => ({ carrier: r.carrier, service: r.service, limits: r.zones.map((z) => z.maxKm), days: r.zones.map((z) => z.transitDays) }));
    const simulated = carriers.flatMap((c) =>
      (['standard', 'express'] as const).map((service) => ({ carrier: c.code, service, limits: ZONE_LIMITS_KM.slice(0, c.promisedDays[service].length), days: [...c.promisedDays[service]] })),
    );
    expect(simulated).toEqual(expect.arrayContaining(fromPolicy));
    expect(simulated).toHaveLength(fromPolicy.length);
  });

  it('promise by distance band and refuse what they do not serve', () => {
    const national = carrierByCode('national-parcel');
    const regional = carrierByCode('regional-parcel');
    expect(promisedTransitDays(national, 'standard', 100)).toBe(1);
    expect(promisedTransitDays(national, 'standard', 4_000)).toBe(5);
    expect(promisedTransitDays(regional, 'standard', 900)).toBe(2);
    expect(promisedTransitDays(regional, 'standard', 1_000)).toBeNull();
    expect(() => sampleTransitDays(regional, 'express', 600, createRandom(1))).toThrow();
  });

  it('deliver mostly on the promised day, sometimes late, and later still during a slowdown', () => {
    const national = carrierByCode('national-parcel');
    const r = createRandom('transit');
    const normal = Array.from({ length: 20_000 }, () => sampleTransitDays(national, 'standard', 1_200, r));
    const onTime = normal.filter((d) => d <= 4).length / normal.length;
    expect(onTime).toBeGreaterThan(0.9);
    expect(onTime).toBeLessThan(0.95);
    expect(Math.max(...normal)).toBe(6);
    const slowed = Array.from({ length: 20_000 }, () => sampleTransitDays(national, 'standard', 1_200, r, { lateShare: 0.5, extraDays: 2 }));
    const slowedOnTime = slowed.filter((d) => d <= 4).length / slowed.length;
    expect(slowedOnTime).toBeGreaterThan(0.42);
    expect(slowedOnTime).toBeLessThan(0.5);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { billableKg, cheapestQuote, parcelCents, zoneFor } from '#server/sourcing/shipping-cost.ts';
import { SourcingPolicy, type CarrierRate } from '#server/sourcing/sourcing-policy.ts';

describe('billableKg', () => {
  it('rounds the actual weight up to whole kilograms, at least one', () => {
    expect(billableKg(0, 0, 5000)).toBe(1);
    expect(billableKg(1000, 0, 5000)).toBe(1);
    expect(billableKg(1001, 0, 5000)).toBe(2);
  });

  it('bills the dimensional weight when the parcel is light for its size', () => {
    // 40 × 30 × 20 cm = 24,000 cm³ ÷ 5000 = 4.8 kg.
    expect(billableKg(1000, 400 * 300 * 200, 5000)).toBe(5);
    expect(billableKg(7000, 400 * 300 * 200, 5000)).toBe(7);
  });
});

describe('parcelCents', () => {
  it('is base + per kg × kg, plus the fuel surcharge rounded half away from zero', () => {
    expect(parcelCents(795, 95, 0, 1)).toBe(890);
    // 890 × 17% = 151.3 → 151.
    expect(parcelCents(795, 95, 1_700, 1)).toBe(1_041);
    // 100 × 0.5% = 0.5 → 1.
    expect(parcelCents(100, 0, 50, 3)).toBe(101);
  });
});

describe('cheapestQuote', () => {
  const band = (maxKm: number | null, baseCents: number, perKgCents: number, transitDays: number) => ({ maxKm, baseCents, perKgCents, transitDays });
  const national: CarrierRate = { carrier: 'national', service: 'standard', fuelSurchargeBp: 0, zones: [band(500, 800, 100, 3), band(null, 1200, 200, 5)] };
  const regional: CarrierRate = { carrier: 'regional', service: 'standard', fuelSurchargeBp: 0, zones: [band(300, 700, 120, 2)] };
  const air: CarrierRate = { carrier: 'national', service: 'express', fuelSurchargeBp: 0, zones: [band(null, 2000, 300, 1)] };

  it('takes the cheapest carrier of the service for the distance and weight', () => {
    // 1 kg at 200 km: regional 820, national 900. 5 kg: regional 1300, national 1300 → faster wins.
    expect(cheapestQuote([national, regional, air], 'standard', 200, 1)).toEqual({ carrier: 'regional', shippingCents: 820, transitDays: 2 });
    expect(cheapestQuote([national, regional, air], 'standard', 200, 5)).toEqual({ carrier: 'regional', shippingCents: 1300, transitDays: 2 });
    expect(cheapestQuote([national, regional, air], 'standard', 200, 6)).toEqual({ carrier: 'national', shippingCents: 1400, transitDays: 3 });
    expect(cheapestQuote([national, regional, air], 'express', 200, 1)).toEqual({ carrier: 'national', shippingCents: 2300, transitDays: 1 });
  });

  it('leaves out carriers beyond their reach, and finds none when nobody serves the distance', () => {
    expect(cheapestQuote([national, regional], 'standard', 301, 1)).toMatchObject({ carrier: 'national', shippingCents: 900 });
    expect(cheapestQuote([regional], 'standard', 301, 1)).toBeNull();
    expect(zoneFor(national, 500)).toBe(national.zones[0]);
    expect(zoneFor(national, 500.1)).toBe(national.zones[1]);
  });
});

describe('the default policy', () => {
  it('is a valid policy with both services at every distance', () => {
    expect(() => SourcingPolicy.parse(defaultSourcingPolicy)).not.toThrow();
    for (const service of ['standard', 'express'] as const) {
      for (const km of [0, 240, 1000, 4500]) expect(cheapestQuote(defaultSourcingPolicy.rates, service, km, 1)).not.toBeNull();
    }
  });

  it('prices a 1 kg ground parcel like a US list price: 10.41 next door by the regional carrier at 8.62', () => {
    expect(cheapestQuote(defaultSourcingPolicy.rates, 'standard', 100, 1)).toEqual({ carrier: 'regional-parcel', shippingCents: 862, transitDays: 1 });
    expect(cheapestQuote(defaultSourcingPolicy.rates.filter((r) => r.carrier === 'national-parcel'), 'standard', 100, 1)?.shippingCents).toBe(1_041);
    expect(cheapestQuote(defaultSourcingPolicy.rates, 'standard', 4_000, 1)).toEqual({ carrier: 'national-parcel', shippingCents: 1_761, transitDays: 5 });
  });

  it('rejects distance bands out of order', () => {
    const broken = structuredClone(defaultSourcingPolicy);
    broken.rates[0]!.zones.reverse();
    expect(SourcingPolicy.safeParse(broken).success).toBe(false);
  });
});

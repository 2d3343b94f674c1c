import type { CarrierZone, SourcingPolicy } from './sourcing-policy.ts';

/**
 * DEFAULTS, for an operator to override with their own contracts. The figures are shaped like
 * published US parcel list prices (2025–26), not any carrier's actual table: two carriers, a
 * national one serving every distance and a cheaper regional one that stops at 966 km.
 *
 * Distance bands follow the US parcel zones by miles from the origin: zone 2 ≤ 150 mi
 * (241 km), 3 ≤ 300 mi (483 km), 4 ≤ 600 mi (966 km), 5 ≤ 1000 mi (1609 km), 6 ≤ 1400 mi
 * (2253 km), 7 ≤ 1800 mi (2897 km), 8 beyond.
 */
const ZONE_LIMITS_KM = [241, 483, 966, 1609, 2253, 2897, null] as const;

function zones(baseCents: readonly number[], perKgCents: readonly number[], transitDays: readonly number[]): CarrierZone[] {
  return baseCents.map((base, i) => ({ maxKm: ZONE_LIMITS_KM[i]!, baseCents: base, perKgCents: perKgCents[i]!, transitDays: transitDays[i]! }));
}

export const defaultSourcingPolicy: SourcingPolicy = {
  currency: 'USD',
  rates: [
    {
      // Ground: 1 kg across the street ≈ $10.41, across the country ≈ $17.61 with fuel.
      carrier: 'national-parcel',
      service: 'standard',
      fuelSurchargeBp: 1_700,
      zones: zones([795, 840, 905, 985, 1060, 1130, 1190], [95, 120, 155, 195, 235, 275, 315], [1, 2, 3, 4, 4, 5, 5]),
    },
    {
      // Two-day air: next day within 483 km.
      carrier: 'national-parcel',
      service: 'express',
      fuelSurchargeBp: 2_000,
      zones: zones([1650, 1890, 2140, 2390, 2620, 2850, 3060], [330, 390, 450, 520, 590, 650, 720], [1, 1, 2, 2, 2, 2, 2]),
    },
    {
      // Regional ground: cheaper and faster nearby, no service beyond 966 km.
      carrier: 'regional-parcel',
      service: 'standard',
      fuelSurchargeBp: 1_200,
      zones: zones([690, 740, 820], [80, 100, 130], [1, 1, 2]),
    },
    {
      carrier: 'regional-parcel',
      service: 'express',
      fuelSurchargeBp: 1_200,
      zones: zones([1190, 1350], [200, 240], [1, 1]),
    },
  ],
  // The second box, its label and a customer who receives the order in pieces.
  splitPenaltyCents: 350,
  // Below $25 a line ships from one place or waits: splitting costs more than it is worth.
  minSplitLineValueCents: 2_500,
  dimWeightDivisorCm3PerKg: 5_000,
  handling: {
    warehouse: { cutoffHourUtc: 21, handlingDays: 0 },
    '3pl': { cutoffHourUtc: 20, handlingDays: 0 },
    // Store staff pick between customers: work released today leaves the next business day.
    store: { cutoffHourUtc: 19, handlingDays: 1 },
    // A vendor receives the order electronically and ships within two business days.
    dropship: { cutoffHourUtc: 16, handlingDays: 2 },
  },
  pickup: { readyHours: 2, cutoffHourUtc: 23 },
  runnersUpLogged: 3,
  exclusions: [],
};

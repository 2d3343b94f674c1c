import { applyPercentBp } from '#server/core/money.ts';
import type { CarrierRate, CarrierZone } from './sourcing-policy.ts';
import type { ServiceLevel } from './sourcing.types.ts';

/**
 * Whole kilograms a carrier bills for a parcel: the greater of its actual weight and its
 * dimensional weight (item volumes summed, no box fitting), rounded up, at least 1 kg.
 * mm³ ÷ (cm³ per kg) is grams, which keeps the arithmetic in integers.
 */
export function billableKg(weightGrams: number, volumeMm3: number, dimWeightDivisorCm3PerKg: number): number {
  const dimGrams = volumeMm3 > 0 ? Math.ceil(volumeMm3 / dimWeightDivisorCm3PerKg) : 0;
  return Math.max(1, Math.ceil(Math.max(weightGrams, dimGrams) / 1000));
}

/** The band of a carrier's table that covers the distance, or undefined beyond its reach. */
export function zoneFor(rate: CarrierRate, distanceKm: number): CarrierZone | undefined {
  for (const zone of rate.zones) {
    if (zone.maxKm === null || distanceKm <= zone.maxKm) return zone;
  }
  return undefined;
}

/** `(base + perKg × kg)` plus the fuel surcharge, rounded half away from zero: the one rounding point. */
export function parcelCents(baseCents: number, perKgCents: number, fuelSurchargeBp: number, kg: number): number {
  const beforeFuel = baseCents + perKgCents * kg;
  return beforeFuel + applyPercentBp(beforeFuel, fuelSurchargeBp);
}

export interface CarrierQuote {
  carrier: string;
  shippingCents: number;
  transitDays: number;
}

/**
 * The cheapest carrier for the service over this distance and weight; on equal price the
 * faster, then the carrier listed first. Null when no carrier serves the distance.
 */
export function cheapestQuote(rates: readonly CarrierRate[], service: ServiceLevel, distanceKm: number, kg: number): CarrierQuote | null {
  let best: CarrierQuote | null = null;
  for (const rate of rates) {
    if (rate.service !== service) continue;
    const zone = zoneFor(rate, distanceKm);
    if (!zone) continue;
    const shippingCents = parcelCents(zone.baseCents, zone.perKgCents, rate.fuelSurchargeBp, kg);
    if (!best || shippingCents < best.shippingCents || (shippingCents === best.shippingCents && zone.transitDays < best.transitDays)) {
      best = { carrier: rate.carrier, shippingCents, transitDays: zone.transitDays };
    }
  }
  return best;
}

/**
 * Hand-built networks for the sourcing specs. Everything sits on the equator with the customer
 * at longitude 0, so a location `km` kilometres east is exactly that far (haversine along the
 * equator is R × Δλ), and the test policy's round numbers make every cost easy to work out
 * by hand: no fuel surcharge, whole kilograms, pick per unit, pack per shipment.
 */
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import type { AvailableToPromise, ServiceLevel, SourcingLine, SourcingLocation, SourcingRequest } from '#server/sourcing/sourcing.types.ts';

const KM_PER_DEGREE = (6371 * Math.PI) / 180;

export const customer = { lat: 0, lon: 0 };

/** A point `km` kilometres east of the customer. */
export function east(km: number) {
  return { lat: 0, lon: km / KM_PER_DEGREE };
}

/**
 * Ground (standard): ≤ 100 km 500 + 100/kg, 1 day; ≤ 500 km 700 + 150/kg, 2 days; beyond
 * 1000 + 200/kg, 4 days. Air (express): ≤ 500 km 1500 + 300/kg, 1 day; beyond 2000 + 400/kg,
 * 2 days. Split penalty 300. Warehouses release same day before 18:00 UTC, stores take one
 * more business day, vendors two (cutoff 12:00). Pickup ready 2 h after placement, or the next
 * day from 20:00 UTC on.
 */
export function testPolicy(overrides: Partial<SourcingPolicy> = {}): SourcingPolicy {
  return {
    currency: 'USD',
    rates: [
      {
        carrier: 'ground',
        service: 'standard',
        fuelSurchargeBp: 0,
        zones: [
          { maxKm: 100, baseCents: 500, perKgCents: 100, transitDays: 1 },
          { maxKm: 500, baseCents: 700, perKgCents: 150, transitDays: 2 },
          { maxKm: null, baseCents: 1000, perKgCents: 200, transitDays: 4 },
        ],
      },
      {
        carrier: 'air',
        service: 'express',
        fuelSurchargeBp: 0,
        zones: [
          { maxKm: 500, baseCents: 1500, perKgCents: 300, transitDays: 1 },
          { maxKm: null, baseCents: 2000, perKgCents: 400, transitDays: 2 },
        ],
      },
    ],
    splitPenaltyCents: 300,
    minSplitLineValueCents: 0,
    dimWeightDivisorCm3PerKg: 5000,
    handling: {
      warehouse: { cutoffHourUtc: 18, handlingDays: 0 },
      '3pl': { cutoffHourUtc: 18, handlingDays: 0 },
      store: { cutoffHourUtc: 18, handlingDays: 1 },
      dropship: { cutoffHourUtc: 12, handlingDays: 2 },
    },
    pickup: { readyHours: 2, cutoffHourUtc: 20 },
    runnersUpLogged: 2,
    exclusions: [],
    ...overrides,
  };
}

export interface LocationOptions {
  kind?: SourcingLocation['kind'];
  km?: number;
  pick?: number;
  pack?: number;
  capacity?: number;
  ships?: boolean;
  pickup?: boolean;
  active?: boolean;
}

/** A warehouse 50 km away picking at 50 and packing at 100, unless told otherwise. */
export function location(id: string, o: LocationOptions = {}): SourcingLocation {
  const kind = o.kind ?? 'warehouse';
  return {
    id,
    kind,
    ...east(o.km ?? 50),
    pickCostCents: o.pick ?? 50,
    packCostCents: o.pack ?? 100,
    remainingDailyCapacity: o.capacity ?? 100,
    shipsToCustomers: o.ships ?? kind !== 'store',
    offersPickup: o.pickup ?? kind === 'store',
    active: o.active ?? true,
  };
}

export interface LineOptions {
  grams?: number;
  priceCents?: number;
  dimensionsMm?: SourcingLine['dimensionsMm'];
  vendor?: string;
}

/** 500 g, 50.00 a unit, unless told otherwise. */
export function line(lineIndex: number, sku: string, quantity: number, o: LineOptions = {}): SourcingLine {
  return {
    lineIndex,
    sku,
    quantity,
    unitWeightGrams: o.grams ?? 500,
    unitPriceCents: o.priceCents ?? 5_000,
    dimensionsMm: o.dimensionsMm ?? null,
    dropShipVendorId: o.vendor ?? null,
  };
}

/** `{ 'wh-1': { TEE: 5 } }` → availability rows. */
export function stock(held: Record<string, Record<string, number>>): AvailableToPromise[] {
  return Object.entries(held).flatMap(([locationId, skus]) => Object.entries(skus).map(([sku, available]) => ({ sku, locationId, available })));
}

/** Tuesday 2026-11-24, 10:00 UTC: before every cutoff. */
export const tuesdayMorning = new Date('2026-11-24T10:00:00Z');

export function shipOrder(
  lines: SourcingLine[],
  locations: SourcingLocation[],
  availability: AvailableToPromise[],
  o: { service?: ServiceLevel; placedAt?: Date } = {},
): SourcingRequest {
  return { lines, fulfilment: { method: 'ship', destination: customer }, service: o.service ?? 'standard', placedAt: o.placedAt ?? tuesdayMorning, locations, availability };
}

export function pickupOrder(storeId: string, lines: SourcingLine[], locations: SourcingLocation[], availability: AvailableToPromise[], placedAt = tuesdayMorning): SourcingRequest {
  return { lines, fulfilment: { method: 'pickup', storeId }, service: 'standard', placedAt, locations, availability };
}

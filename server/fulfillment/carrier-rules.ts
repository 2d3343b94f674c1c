import { randomInt } from 'node:crypto';
import type { locationKinds } from '#db/schema/locations.ts';
import type { deliveryServices } from '#db/schema/orders.ts';
import { distanceKm } from '#server/inventory/allocation-plan.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { deliveryDay, pickupReadyDay, shipDay } from '#server/sourcing/promise-dates.ts';
import { billableKg, cheapestQuote, parcelCents, zoneFor } from '#server/sourcing/shipping-cost.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';

export type DeliveryService = (typeof deliveryServices)[number];
type LocationKind = (typeof locationKinds)[number];

interface Point {
  lat: number;
  lon: number;
}

/** What a shipment's carrier, promise and label price depend on. */
export interface ShipmentRoute {
  method: 'ship' | 'pickup';
  service: DeliveryService;
  placedAt: Date;
  location: Point & { kind: LocationKind };
  /** The customer's coordinates; null when the address has none (then the farthest band is assumed). */
  destination: Point | null;
}

const DAY_MS = 86_400_000;

/** The end of a UTC day: a promised date is kept by a delivery any time that day. */
const endOfDay = (day: number) => new Date((day + 1) * DAY_MS - 1);

/** Kilometres to the customer; without coordinates, farther than any bounded band (the national carrier's last zone). */
function distanceOf(route: ShipmentRoute): number {
  return route.destination ? distanceKm(route.location, route.destination) : Number.MAX_SAFE_INTEGER;
}

/**
 * The carrier and promise of a shipment, with sourcing's rate tables and calendar
 * (server/sourcing, default policy): the cheapest carrier serving the distance for the service
 * at the shipment's billable weight, on equal price the faster; promised at the end of the
 * delivery day (the location's cutoff and handling days, then business-day transit). Pickup:
 * no carrier, promised at the end of the day the store has it ready.
 */
export function chooseCarrier(route: ShipmentRoute, weightGrams: number, volumeMm3: number, policy: SourcingPolicy = defaultSourcingPolicy): { carrier: string | null; promisedAt: Date } {
  const placedMs = route.placedAt.getTime();
  if (route.method === 'pickup') return { carrier: null, promisedAt: endOfDay(pickupReadyDay(placedMs, policy.pickup)) };
  const kg = billableKg(weightGrams, volumeMm3, policy.dimWeightDivisorCm3PerKg);
  const quote = cheapestQuote(policy.rates, route.service, distanceOf(route), kg) ?? fallbackQuote(policy, route.service);
  return { carrier: quote.carrier, promisedAt: promiseAfterTransit(route, quote.transitDays, policy) };
}

/**
 * The promise a named carrier's table gives a parcel shipment (an imported order names the carrier
 * that took it), or null when that carrier has no rate for the service.
 */
export function carrierPromise(route: ShipmentRoute, carrier: string, policy: SourcingPolicy = defaultSourcingPolicy): Date | null {
  const rate = policy.rates.find((r) => r.carrier === carrier && r.service === route.service);
  if (!rate) return null;
  const zone = zoneFor(rate, distanceOf(route)) ?? rate.zones.at(-1)!;
  return promiseAfterTransit(route, zone.transitDays, policy);
}

/** The end of the delivery day: the location's cutoff and handling days, then business-day transit. */
function promiseAfterTransit(route: ShipmentRoute, transitDays: number, policy: SourcingPolicy): Date {
  return endOfDay(deliveryDay(shipDay(route.placedAt.getTime(), policy.handling[route.location.kind]), transitDays));
}

/** No carrier reaches that far for the service: the first one listed, at its last band. */
function fallbackQuote(policy: SourcingPolicy, service: DeliveryService): { carrier: string; transitDays: number } {
  const rate = policy.rates.find((r) => r.service === service) ?? policy.rates[0]!;
  return { carrier: rate.carrier, transitDays: rate.zones.at(-1)!.transitDays };
}

/**
 * The carrier's price of one package's label: its table's band for the distance at the
 * package's billable weight (actual, or dimensional by the packaging's volume), with fuel.
 * Pickup bags have no label.
 */
export function labelCostCents(
  carrier: string | null,
  route: ShipmentRoute,
  weightGrams: number,
  volumeMm3: number,
  policy: SourcingPolicy = defaultSourcingPolicy,
): number {
  if (carrier === null) return 0;
  const rate = policy.rates.find((r) => r.carrier === carrier && r.service === route.service) ?? policy.rates.find((r) => r.carrier === carrier);
  if (!rate) return 0;
  const zone = zoneFor(rate, distanceOf(route)) ?? rate.zones.at(-1)!;
  return parcelCents(zone.baseCents, zone.perKgCents, rate.fuelSurchargeBp, billableKg(weightGrams, volumeMm3, policy.dimWeightDivisorCm3PerKg));
}

/**
 * A tracking number in a carrier's style: a two-letter prefix from the carrier code (`PU` for a
 * pickup bag), 15 random digits and a mod-10 (Luhn) check digit, so a mistyped number is
 * refused before it is looked up. The database's unique index is the final word on collisions.
 */
export function newTrackingNumber(carrier: string | null): string {
  const prefix = carrier === null ? 'PU' : carrier.replace(/[^a-z]/g, '').slice(0, 2).toUpperCase().padEnd(2, 'X');
  let digits = '';
  for (let i = 0; i < 15; i++) digits += String(randomInt(10));
  return `${prefix}${digits}${luhnDigit(digits)}`;
}

export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

import { randomInt } from 'node:crypto';
import type { deliveryServices } from '#db/schema/orders.ts';

export type DeliveryService = (typeof deliveryServices)[number];

/**
 * Which carrier takes a shipment, how long it promises to take and what a label costs, by
 * service. A stand-in until sourcing (server/sourcing/) assigns carriers from its rate tables
 * by distance: carrier codes and transit days are those of its default policy's national
 * carrier at the longest distance, so a promise made here is never tighter than sourcing's.
 */
export const carrierRules: Readonly<Record<DeliveryService, { carrier: string; transitDays: number; labelBaseCents: number; labelPerKgCents: number }>> = {
  standard: { carrier: 'national-parcel', transitDays: 5, labelBaseCents: 795, labelPerKgCents: 95 },
  express: { carrier: 'national-parcel', transitDays: 2, labelBaseCents: 1650, labelPerKgCents: 330 },
};

/** Hours after placement a pickup order is promised ready at the store. */
export const PICKUP_PROMISE_HOURS = 24;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What the customer is promised: placement + the service's transit days (calendar days), or the pickup promise. */
export function promisedAt(placedAt: Date, method: 'ship' | 'pickup', service: DeliveryService): Date {
  return method === 'pickup'
    ? new Date(placedAt.getTime() + PICKUP_PROMISE_HOURS * HOUR_MS)
    : new Date(placedAt.getTime() + carrierRules[service].transitDays * DAY_MS);
}

/** The carrier's charge for one package's label: base + per started kilogram. Pickup packages have no label. */
export function labelCostCents(carrier: string | null, service: DeliveryService, weightGrams: number): number {
  if (carrier === null) return 0;
  const rule = carrierRules[service];
  return rule.labelBaseCents + rule.labelPerKgCents * Math.max(1, Math.ceil(weightGrams / 1000));
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

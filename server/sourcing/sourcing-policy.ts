import { z } from 'zod';
import type { locationKinds } from '#db/schema/locations.ts';
import type { deliveryServices } from '#db/schema/orders.ts';
import { isCurrencyCode } from '#server/core/money.ts';

/** The same values as the database enums; `satisfies` fails the build if they drift apart. */
export const serviceLevels = ['standard', 'express'] as const satisfies typeof deliveryServices;
export const sourcingLocationKinds = ['warehouse', 'store', 'dropship', '3pl'] as const satisfies typeof locationKinds;

const cents = z.int().min(0).max(100_000_000);

/**
 * One distance band of a carrier's table. A parcel of `kg` billable kilograms costs
 * `baseCents + perKgCents × kg`, plus the carrier's fuel surcharge, and arrives
 * `transitDays` business days after it ships.
 */
export const CarrierZone = z.strictObject({
  /** Upper bound of the band (inclusive); null on the last band means "any distance". */
  maxKm: z.number().positive().nullable(),
  baseCents: cents,
  perKgCents: cents,
  transitDays: z.int().min(0).max(30),
});
export type CarrierZone = z.infer<typeof CarrierZone>;

/** A carrier's rate table for one service. A carrier offering both services has two. */
export const CarrierRate = z
  .strictObject({
    carrier: z.string().min(1).max(64),
    service: z.enum(serviceLevels),
    /** Basis points on the base + weight charge, rounded half away from zero to the cent once per parcel. */
    fuelSurchargeBp: z.int().min(0).max(10_000),
    /** Bands by ascending `maxKm`; beyond the last bounded band the carrier does not serve. */
    zones: z.array(CarrierZone).min(1).max(32),
  })
  .superRefine((rate, ctx) => {
    rate.zones.forEach((zone, i) => {
      const previous = rate.zones[i - 1];
      if (previous && (previous.maxKm === null || (zone.maxKm !== null && zone.maxKm <= previous.maxKm))) {
        ctx.addIssue({ code: 'custom', path: ['zones', i, 'maxKm'], message: 'bands must ascend and only the last may be unbounded' });
      }
    });
  });
export type CarrierRate = z.infer<typeof CarrierRate>;

/** When a location releases work: orders placed before the cutoff (UTC hour) start that business day. */
export const HandlingRule = z.strictObject({
  cutoffHourUtc: z.int().min(0).max(24),
  /** Business days between release and hand-over to the carrier. */
  handlingDays: z.int().min(0).max(30),
});
export type HandlingRule = z.infer<typeof HandlingRule>;

/** A location no decision may use, and why (a closure, a capacity rejection, an operator's call). */
export const Exclusion = z.strictObject({
  locationId: z.string().min(1),
  reason: z.string().min(1).max(200),
});
export type Exclusion = z.infer<typeof Exclusion>;

/**
 * How orders are sourced. Every decision minimises, after filling as many units as stock
 * allows, the total cost: shipping + pick + pack + `splitPenaltyCents` per shipment beyond
 * the first. Operators override the defaults in default-policy.ts; the engine never reads
 * configuration on its own.
 */
export const SourcingPolicy = z.strictObject({
  /** The currency of every amount in the policy and of the costs of the locations it is used with. */
  currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code'),
  rates: z.array(CarrierRate).min(1),
  /** Charged per shipment beyond the first: the extra box, label handling, a worse customer experience. */
  splitPenaltyCents: cents,
  /** A line worth less than this (unit price × quantity) is never split across locations. */
  minSplitLineValueCents: cents,
  /** Dimensional weight: cubic centimetres per billable kilogram (5000 ≈ the US 139 in³/lb). */
  dimWeightDivisorCm3PerKg: z.int().min(1).max(100_000),
  handling: z.strictObject({ warehouse: HandlingRule, store: HandlingRule, dropship: HandlingRule, '3pl': HandlingRule }),
  pickup: z.strictObject({
    /** Hours from placement until a pickup order is ready at the store. */
    readyHours: z.int().min(0).max(240),
    /** Ready at or after this UTC hour means ready the next calendar day (stores open every day). */
    cutoffHourUtc: z.int().min(0).max(24),
  }),
  /** How many runner-up plans each decision logs with their cost breakdown. */
  runnersUpLogged: z.int().min(0).max(10),
  /** Locations closed to every decision, e.g. after a closure was reported. */
  exclusions: z.array(Exclusion).max(10_000),
});
export type SourcingPolicy = z.infer<typeof SourcingPolicy>;

/** Validates an operator's policy once, at start; the engine trusts the policy it is given. */
export function parseSourcingPolicy(raw: unknown): SourcingPolicy {
  return SourcingPolicy.parse(raw);
}

import type { DeliveryService } from './order-body.ts';
import type { Random } from './random.ts';

/**
 * The carriers of server/sourcing/default-policy.ts, with the transit days promised per distance
 * band, and how they really perform: mostly on time, sometimes a day or two late, rarely early.
 * A unit test holds these tables equal to the default policy's.
 */
export const ZONE_LIMITS_KM = [241, 483, 966, 1609, 2253, 2897, null] as const;

export interface SimCarrier {
  code: string;
  /** Promised business days of transit per distance band; a shorter list stops serving beyond it. */
  promisedDays: Record<DeliveryService, readonly number[]>;
  /** Chances that a parcel arrives one or two days after its promise, and one day before. */
  lateOneDay: number;
  lateTwoDays: number;
  earlyOneDay: number;
}

export const carriers: readonly SimCarrier[] = [
  { code: 'national-parcel', promisedDays: { standard: [1, 2, 3, 4, 4, 5, 5], express: [1, 1, 2, 2, 2, 2, 2] }, lateOneDay: 0.06, lateTwoDays: 0.015, earlyOneDay: 0.04 },
  // Regional carriers are cheap and quick nearby, a little less reliable.
  { code: 'regional-parcel', promisedDays: { standard: [1, 1, 2], express: [1, 1] }, lateOneDay: 0.09, lateTwoDays: 0.03, earlyOneDay: 0.02 },
];

export function carrierByCode(code: string): SimCarrier {
  const carrier = carriers.find((c) => c.code === code);
  if (!carrier) throw new Error(`unknown carrier ${code}`);
  return carrier;
}

/** The band of a distance, as the parcel zones count it; past the last limit, the last band. */
export function zoneIndex(km: number): number {
  const i = ZONE_LIMITS_KM.findIndex((limit) => limit === null || km <= limit);
  return i === -1 ? ZONE_LIMITS_KM.length - 1 : i;
}

/** Business days the carrier promises for the distance, or null when it does not serve it. */
export function promisedTransitDays(carrier: SimCarrier, service: DeliveryService, km: number): number | null {
  return carrier.promisedDays[service][zoneIndex(km)] ?? null;
}

/** A carrier running late: with `lateShare` chance a parcel takes `extraDays` more. */
export interface CarrierSlowdown {
  lateShare: number;
  extraDays: number;
}

/**
 * Business days a parcel actually spends in transit, drawn around the promise. The driver posts
 * the carrier's delivered scan after this many days, so on-time rates and delivery times come out
 * of the same numbers the alerts watch.
 */
export function sampleTransitDays(carrier: SimCarrier, service: DeliveryService, km: number, random: Random, slowdown?: CarrierSlowdown): number {
  const promised = promisedTransitDays(carrier, service, km);
  if (promised === null) throw new Error(`${carrier.code} does not serve ${Math.round(km)} km by ${service}`);
  const u = random.next();
  let days = promised;
  if (u < carrier.lateTwoDays) days += 2;
  else if (u < carrier.lateTwoDays + carrier.lateOneDay) days += 1;
  else if (u < carrier.lateTwoDays + carrier.lateOneDay + carrier.earlyOneDay && promised > 1) days -= 1;
  if (slowdown && random.chance(slowdown.lateShare)) days += slowdown.extraDays;
  return days;
}

import { msToDay } from './calendar.ts';
import { carrierByCode, sampleTransitDays } from './carriers.ts';
import { carrierSlowdownOn, type Disruption } from './disruptions.ts';
import type { DeliveryService } from './order-body.ts';
import type { Random } from './random.ts';

/** A scan the driver posts to POST /api/carriers/:carrier/events, with Tower's package statuses. */
export interface CarrierScan {
  status: 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception';
  at: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A parcel is lost or damaged in transit this rarely; it is still delivered, a day late.
const EXCEPTION_RATE = 0.004;

/** Carriers count transit in business days: a weekend in between does not move a parcel closer. */
export function addBusinessDays(ms: number, days: number): number {
  let at = ms;
  for (let left = days; left > 0; ) {
    at += DAY;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}

function startOfUtcDay(ms: number): number {
  return ms - (((ms % DAY) + DAY) % DAY);
}

export interface ParcelTrip {
  carrier: string;
  service: DeliveryService;
  km: number;
  shippedAtMs: number;
}

/**
 * The scans of one parcel from hand-over to doorstep: in transit that evening, out for delivery in
 * the morning of the delivery day (US morning, 13–16 UTC), delivered that afternoon. A carrier
 * slowdown in the scenario on the day it ships makes it later.
 */
export function planCarrierScans(trip: ParcelTrip, disruptions: readonly Disruption[], random: Random): CarrierScan[] {
  const carrier = carrierByCode(trip.carrier);
  const slowdown = carrierSlowdownOn(disruptions, trip.carrier, trip.service, msToDay(trip.shippedAtMs));
  let transitDays = sampleTransitDays(carrier, trip.service, trip.km, random, slowdown);
  const scans: CarrierScan[] = [{ status: 'in_transit', at: new Date(trip.shippedAtMs + random.uniform(2, 6) * HOUR).toISOString() }];
  if (random.chance(EXCEPTION_RATE)) {
    scans.push({ status: 'exception', at: new Date(addBusinessDays(startOfUtcDay(trip.shippedAtMs), Math.max(1, transitDays - 1)) + random.uniform(12, 20) * HOUR).toISOString() });
    transitDays += 1;
  }
  const deliveryDay = addBusinessDays(startOfUtcDay(trip.shippedAtMs), transitDays);
  const outAt = deliveryDay + random.uniform(13, 16) * HOUR;
  scans.push({ status: 'out_for_delivery', at: new Date(outAt).toISOString() });
  scans.push({ status: 'delivered', at: new Date(outAt + random.uniform(1, 9) * HOUR).toISOString() });
  return scans;
}

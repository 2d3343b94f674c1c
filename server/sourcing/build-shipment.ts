import type { Demand, LineFiller } from './order-demand.ts';
import { deliveryDay, isoDay, pickupReadyDay, shipDay } from './promise-dates.ts';
import { billableKg, cheapestQuote } from './shipping-cost.ts';
import type { SourcingPolicy } from './sourcing-policy.ts';
import type { ServiceLevel, Shipment, ShipmentLine, SourcingCosts, SourcingLocation } from './sourcing.types.ts';

export interface ShipmentSpec {
  location: SourcingLocation;
  distanceKm: number;
  type: Shipment['type'];
  demands: readonly Demand[];
  /** Units of each demand this location sends. */
  units: ArrayLike<number>;
  service: ServiceLevel;
  /** When the work reaches the location: placement, or the reroute. */
  releasedAtMs: number;
}

/**
 * Prices one shipment with the same formula the search used (cheapest carrier for its billable
 * weight; pick per unit; pack per shipment) and dates it from its location and service.
 * `filler` hands its units to the order's lines.
 */
export function buildShipment(spec: ShipmentSpec, policy: SourcingPolicy, filler: LineFiller): Shipment {
  const lines: ShipmentLine[] = [];
  let units = 0;
  let weightGrams = 0;
  let volumeMm3 = 0;
  spec.demands.forEach((demand, d) => {
    const u = spec.units[d]!;
    if (u <= 0) return;
    filler.take(d, u, lines);
    units += u;
    weightGrams += u * demand.unitWeightGrams;
    volumeMm3 += u * demand.unitVolumeMm3;
  });
  if (lines.length > 1) lines.sort((a, b) => a.lineIndex - b.lineIndex);
  const location = spec.location;
  const pickCents = location.pickCostCents * units;
  const packCents = location.packCostCents;
  // Written out in full: V8 builds `{ ...common, more }` objects far slower.
  if (spec.type === 'pickup') {
    const ready = isoDay(pickupReadyDay(spec.releasedAtMs, policy.pickup));
    return {
      locationId: location.id,
      locationKind: location.kind,
      type: spec.type,
      carrier: null,
      service: null,
      lines,
      units,
      weightGrams,
      billableKg: 0,
      distanceKm: 0,
      shippingCents: 0,
      pickCents,
      packCents,
      shipDate: ready,
      promisedDate: ready,
    };
  }
  const kg = billableKg(weightGrams, volumeMm3, policy.dimWeightDivisorCm3PerKg);
  const quote = cheapestQuote(policy.rates, spec.service, spec.distanceKm, kg);
  if (!quote) throw new Error(`no ${spec.service} carrier serves ${location.id} at ${spec.distanceKm} km`);
  const leaves = shipDay(spec.releasedAtMs, policy.handling[location.kind]);
  return {
    locationId: location.id,
    locationKind: location.kind,
    type: spec.type,
    carrier: quote.carrier,
    service: spec.service,
    lines,
    units,
    weightGrams,
    billableKg: kg,
    distanceKm: Math.round(spec.distanceKm * 10) / 10,
    shippingCents: quote.shippingCents,
    pickCents,
    packCents,
    shipDate: isoDay(leaves),
    promisedDate: isoDay(deliveryDay(leaves, quote.transitDays)),
  };
}

/** The money of a set of shipments; the split penalty counts every shipment beyond the first. */
export function costsOf(shipments: readonly Shipment[], policy: SourcingPolicy): SourcingCosts {
  let shippingCents = 0;
  let pickCents = 0;
  let packCents = 0;
  for (const s of shipments) {
    shippingCents += s.shippingCents;
    pickCents += s.pickCents;
    packCents += s.packCents;
  }
  const splitPenaltyCents = policy.splitPenaltyCents * Math.max(0, shipments.length - 1);
  return { currency: policy.currency, shippingCents, pickCents, packCents, splitPenaltyCents, totalCents: shippingCents + pickCents + packCents + splitPenaltyCents };
}

import { buildShipment } from './build-shipment.ts';
import { eliminatedEntry, heldUnits, recordShort, vendorEntry, type DecisionDraft } from './decision-draft.ts';
import type { EliminationReason } from './decision-log.ts';
import { LineFiller, type Demand } from './order-demand.ts';
import { cheapestQuote } from './shipping-cost.ts';

/**
 * Drop-ship lines go to their product's vendor and nowhere else, one vendor order per vendor,
 * for whatever the vendor's availability covers; the rest is short. A vendor that is inactive,
 * excluded, out of capacity or out of every carrier's reach gets nothing and its lines are
 * short. Vendors always ship to the customer (their `shipsToCustomers` flag is not read). No
 * choice is made here, so these shipments only add their cost (and count as shipments for
 * the split penalty). For pickup orders, see source-pickup.ts.
 */
export function sourceDropShip(draft: DecisionDraft, byVendor: Map<string, Demand[]>): void {
  const { network, policy, request } = draft;
  for (const [vendorId, demands] of byVendor) {
    const filler = new LineFiller(demands);
    const i = network.index.get(vendorId);
    if (i === undefined) {
      recordShort(draft, filler, () => 'vendor_unavailable');
      continue;
    }
    const vendor = network.locations[i]!;
    let reason: EliminationReason | null = null;
    if (!vendor.active) reason = 'inactive';
    else if (network.excluded.has(vendor.id)) reason = 'excluded';
    else if (!(vendor.remainingDailyCapacity >= 1)) reason = 'capacity_exhausted';
    else if (!cheapestQuote(policy.rates, request.service, network.distanceKm[i]!, 1)) reason = 'out_of_carrier_range';
    const units = heldUnits(network, i, demands);
    if (reason === null && units.every((u) => u === 0)) reason = 'no_stock';
    if (reason !== null) {
      draft.vendorEntries[i] = eliminatedEntry(network, i, reason, reason === 'excluded' ? network.excluded.get(vendor.id) : undefined);
      recordShort(draft, filler, () => (reason === 'no_stock' ? 'no_stock' : 'vendor_unavailable'));
      continue;
    }
    const shipment = buildShipment(
      { location: vendor, distanceKm: network.distanceKm[i]!, type: 'vendor_order', demands, units, service: request.service, releasedAtMs: draft.releasedAtMs },
      policy,
      filler,
    );
    draft.vendor.push(shipment);
    draft.vendorEntries[i] = vendorEntry(network, i, shipment.units, shipment.shippingCents + shipment.pickCents + shipment.packCents);
    recordShort(draft, filler, () => 'no_stock');
  }
}

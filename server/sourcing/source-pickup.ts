import { buildShipment } from './build-shipment.ts';
import { eliminatedEntry, heldUnits, rankedEntry, recordShort, type DecisionDraft } from './decision-draft.ts';
import type { EliminationReason } from './decision-log.ts';
import { LineFiller, type Demand } from './order-demand.ts';

/**
 * Pickup in store: the order is reserved at the chosen store and nowhere else (no transfers
 * between locations). The store holds what it has; the rest is short. Drop-ship lines cannot
 * be picked up and are short. Nothing ships, so the cost is the store's pick and pack.
 */
export function sourcePickup(draft: DecisionDraft, storeId: string, own: readonly Demand[], byVendor: Map<string, Demand[]>): void {
  const { network, policy, request } = draft;
  draft.strategy = 'pickup';
  for (const demands of byVendor.values()) recordShort(draft, new LineFiller(demands), () => 'drop_ship_not_pickable');

  const store = network.index.get(storeId);
  for (let i = 0; i < network.locations.length; i++) {
    if (i !== store) draft.ownEntries[i] = eliminatedEntry(network, i, 'not_pickup_store');
  }
  const filler = new LineFiller(own);
  if (store === undefined) {
    recordShort(draft, filler, () => 'pickup_store_unavailable');
    return;
  }
  const location = network.locations[store]!;
  let reason: EliminationReason | null = null;
  if (!location.active) reason = 'inactive';
  else if (network.excluded.has(location.id)) reason = 'excluded';
  else if (!location.offersPickup) reason = 'not_eligible_pickup';
  else if (!(location.remainingDailyCapacity >= 1)) reason = 'capacity_exhausted';
  const units = heldUnits(network, store, own);
  const total = units.reduce((sum, u) => sum + u, 0);
  if (reason === null && total === 0 && own.length > 0) reason = 'no_stock';
  if (reason !== null) {
    draft.ownEntries[store] = eliminatedEntry(network, store, reason, reason === 'excluded' ? network.excluded.get(location.id) : undefined);
    recordShort(draft, filler, () => (reason === 'no_stock' ? 'no_stock' : 'pickup_store_unavailable'));
    return;
  }
  if (total === 0) return;
  const shipment = buildShipment(
    { location, distanceKm: 0, type: 'pickup', demands: own, units, service: request.service, releasedAtMs: draft.releasedAtMs },
    policy,
    filler,
  );
  draft.own.push(shipment);
  const fillsOrder = own.every((d, k) => units[k] === d.quantity);
  draft.ownEntries[store] = rankedEntry(network, store, 1, shipment.units, fillsOrder, shipment.pickCents + shipment.packCents, true);
  recordShort(draft, filler, () => 'no_stock');
}

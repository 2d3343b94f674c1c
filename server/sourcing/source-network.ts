import { distanceKm } from '#server/inventory/allocation-plan.ts';
import type { SourcingPolicy } from './sourcing-policy.ts';
import type { SourcingLocation, SourcingRequest } from './sourcing.types.ts';

/**
 * The network as one decision sees it, computed once per decision: each location's distance
 * to the customer (to the pickup store for pickup), and availability as a location × SKU
 * matrix of the order's SKUs.
 */
export interface SourceNetwork {
  locations: readonly SourcingLocation[];
  index: Map<string, number>;
  /** To the destination; to the pickup store for pickup orders; NaN when that store is unknown. */
  distanceKm: number[];
  slotCount: number;
  /** `atp[location × slotCount + slot]`, never below zero. */
  atp: number[];
  /** Location id → why no decision may use it. */
  excluded: Map<string, string>;
}

export function sourceNetwork(request: SourcingRequest, policy: SourcingPolicy, slots: Map<string, number>): SourceNetwork {
  const locations = request.locations;
  const index = new Map<string, number>();
  for (let i = 0; i < locations.length; i++) index.set(locations[i]!.id, i);

  const fulfilment = request.fulfilment;
  const origin = fulfilment.method === 'ship' ? fulfilment.destination : locations[index.get(fulfilment.storeId) ?? -1];
  const distances = new Array<number>(locations.length).fill(0);
  for (let i = 0; i < locations.length; i++) distances[i] = origin ? distanceKm(origin, locations[i]!) : Number.NaN;

  const slotCount = slots.size;
  const atp = new Array<number>(locations.length * slotCount).fill(0);
  for (const row of request.availability) {
    const slot = slots.get(row.sku);
    const at = index.get(row.locationId);
    if (slot === undefined || at === undefined) continue;
    atp[at * slotCount + slot] = row.available > 0 ? Math.min(Math.floor(row.available), 2_000_000_000) : 0;
  }

  const excluded = new Map<string, string>();
  for (const exclusion of policy.exclusions) if (!excluded.has(exclusion.locationId)) excluded.set(exclusion.locationId, exclusion.reason);
  return { locations, index, distanceKm: distances, slotCount, atp, excluded };
}

export function atpOf(network: SourceNetwork, location: number, slot: number): number {
  return network.atp[location * network.slotCount + slot]!;
}

import type { CandidateEntry, EliminationReason, ShipmentCost, ShortEntry, ShortReason, Strategy } from './decision-log.ts';
import type { Demand, LineFiller } from './order-demand.ts';
import type { SourceNetwork } from './source-network.ts';
import type { SourcingPolicy } from './sourcing-policy.ts';
import type { Shipment, SourcingRequest } from './sourcing.types.ts';

/** A decision being assembled: the drop-ship, own-lines and pickup steps each add their part. */
export interface DecisionDraft {
  request: SourcingRequest;
  policy: SourcingPolicy;
  network: SourceNetwork;
  releasedAtMs: number;
  /** Shipments that stand whatever this decision does (those a reroute keeps). */
  kept: readonly Shipment[];
  own: Shipment[];
  vendor: Shipment[];
  short: ShortEntry[];
  /** Per network location; a vendor entry replaces the own-lines entry of the same location. */
  ownEntries: (CandidateEntry | null)[];
  vendorEntries: (CandidateEntry | null)[];
  strategy: Strategy;
  /** Own shipments of the runner-up plans; priced with the kept and vendor shipments at the end. */
  runnerUpCosts: ShipmentCost[][];
  greedyRounds: { locationId: string; units: number; costCents: number }[];
}

// Entries are written out field by field: V8 builds `{ ...note, more }` objects ~100× slower.
function distanceOf(network: SourceNetwork, i: number): number | null {
  const distance = network.distanceKm[i]!;
  return Number.isNaN(distance) ? null : Math.round(distance * 10) / 10;
}

export function eliminatedEntry(network: SourceNetwork, i: number, reason: EliminationReason, detail?: string): CandidateEntry {
  const { id, kind } = network.locations[i]!;
  const distanceKm = distanceOf(network, i);
  return detail === undefined
    ? { locationId: id, kind, distanceKm, status: 'eliminated', reason }
    : { locationId: id, kind, distanceKm, status: 'eliminated', reason, detail };
}

export function rankedEntry(network: SourceNetwork, i: number, rank: number, units: number, fillsOrder: boolean, costCents: number, chosen: boolean): CandidateEntry {
  const { id, kind } = network.locations[i]!;
  return { locationId: id, kind, distanceKm: distanceOf(network, i), status: 'ranked', rank, units, fillsOrder, costCents, chosen };
}

export function vendorEntry(network: SourceNetwork, i: number, units: number, costCents: number): CandidateEntry {
  const { id, kind } = network.locations[i]!;
  return { locationId: id, kind, distanceKm: distanceOf(network, i), status: 'vendor', units, costCents, chosen: true };
}

/** Records what the filler could not place, with the reason `reasonOf` gives per demand. */
export function recordShort(draft: DecisionDraft, filler: LineFiller, reasonOf: (demandIndex: number) => ShortReason): void {
  for (const { demandIndex, line, quantity } of filler.unfilled()) {
    draft.short.push({ lineIndex: line.lineIndex, sku: line.sku, quantity, reason: reasonOf(demandIndex) });
  }
}

/** Units of each demand a location holds, capped at what is ordered. */
export function heldUnits(network: SourceNetwork, i: number, demands: readonly Demand[]): number[] {
  return demands.map((d) => Math.min(d.quantity, network.atp[i * network.slotCount + d.slot]!));
}

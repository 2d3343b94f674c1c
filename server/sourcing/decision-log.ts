import type { LocationKind, RejectionReason, Shipment, ShipmentLine } from './sourcing.types.ts';

/**
 * The record of one sourcing decision, kept so customer service can answer "why did this ship
 * from there?": every location of the network with why it was eliminated or where it ranked,
 * the cost breakdown of the winning plan and of the runners-up, and a one-sentence summary.
 * Plain data, JSON-serialisable.
 */
export interface DecisionLog {
  strategy: Strategy;
  summary: string;
  candidates: CandidateEntry[];
  winner: PlanBreakdown;
  /** The next best complete plans of at most two shipments, best first (empty for the other strategies). */
  runnersUp: PlanBreakdown[];
  /** The rounds of the greedy cover, when it ran. */
  greedyRounds: { locationId: string; units: number; costCents: number }[];
  short: ShortEntry[];
  reroute: RerouteNote | null;
}

export type Strategy =
  /** One location fills every own line. */
  | 'single'
  /** Two locations fill the own lines, cheaper than any single one (or none could). */
  | 'split_pair'
  /** Three or more locations, or not everything could be filled. */
  | 'greedy_cover'
  | 'pickup'
  /** Every line is a drop-ship line. */
  | 'drop_ship_only'
  | 'nothing_available';

export type EliminationReason =
  | 'inactive'
  | 'excluded'
  | 'not_eligible_ship'
  | 'not_eligible_pickup'
  | 'not_pickup_store'
  | 'capacity_exhausted'
  | 'no_stock'
  | 'out_of_carrier_range'
  /** A drop-ship vendor supplies only its own products' lines. */
  | 'vendor_only'
  /** Every line goes to a drop-ship vendor. */
  | 'not_needed';

export type ShortReason =
  | 'no_stock'
  /** Below the split threshold, and no one location holds all of it. */
  | 'not_split_low_value'
  | 'vendor_unavailable'
  | 'drop_ship_not_pickable'
  | 'pickup_store_unavailable';

interface LocationNote {
  locationId: string;
  kind: LocationKind;
  /** Rounded to 0.1 km; null when it cannot be known (an unknown pickup store). */
  distanceKm: number | null;
}

export type CandidateEntry =
  | (LocationNote & { status: 'eliminated'; reason: EliminationReason; detail?: string })
  | (LocationNote & {
      status: 'ranked';
      /** 1 = best. Locations that fill the whole order first, then by cost per unit held, distance, id. */
      rank: number;
      /** Units of the order this location holds (capped at what is ordered). */
      units: number;
      fillsOrder: boolean;
      /** What sending those units from here alone would cost. */
      costCents: number;
      chosen: boolean;
    })
  | (LocationNote & { status: 'vendor'; units: number; costCents: number; chosen: boolean });

export interface ShipmentCost {
  locationId: string;
  type: Shipment['type'];
  carrier: string | null;
  units: number;
  billableKg: number;
  shippingCents: number;
  pickCents: number;
  packCents: number;
  totalCents: number;
}

export interface PlanBreakdown {
  shipments: ShipmentCost[];
  shippingCents: number;
  pickCents: number;
  packCents: number;
  splitPenaltyCents: number;
  totalCents: number;
  unitsFilled: number;
  /** Total minus the winner's total (0 for the winner). */
  deltaCents: number;
}

export interface ShortEntry {
  lineIndex: number;
  sku: string;
  quantity: number;
  reason: ShortReason;
}

export interface RerouteNote {
  rejectedLocationId: string;
  reason: RejectionReason;
  at: string;
  /** Units taken back from the rejecting location and sourced again. */
  resourced: ShipmentLine[];
  /** Locations whose shipments stand as they were (the rejecting one too when it still sends part). */
  keptLocationIds: string[];
  previousTotalCents: number;
}

export function shipmentCost(s: Shipment): ShipmentCost {
  return {
    locationId: s.locationId,
    type: s.type,
    carrier: s.carrier,
    units: s.units,
    billableKg: s.billableKg,
    shippingCents: s.shippingCents,
    pickCents: s.pickCents,
    packCents: s.packCents,
    totalCents: s.shippingCents + s.pickCents + s.packCents,
  };
}

/** Costs of a set of shipments: their sum plus the split penalty for each beyond the first. */
export function breakdown(costs: ShipmentCost[], splitPenaltyCents: number, winnerTotalCents: number | null): PlanBreakdown {
  let shippingCents = 0;
  let pickCents = 0;
  let packCents = 0;
  let unitsFilled = 0;
  for (const c of costs) {
    shippingCents += c.shippingCents;
    pickCents += c.pickCents;
    packCents += c.packCents;
    unitsFilled += c.units;
  }
  const penalty = splitPenaltyCents * Math.max(0, costs.length - 1);
  const totalCents = shippingCents + pickCents + packCents + penalty;
  return {
    shipments: costs,
    shippingCents,
    pickCents,
    packCents,
    splitPenaltyCents: penalty,
    totalCents,
    unitsFilled,
    deltaCents: winnerTotalCents === null ? 0 : totalCents - winnerTotalCents,
  };
}

/** `12.34 USD`: integer arithmetic, no floating point. */
export function formatCents(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

export interface SummaryFacts {
  strategy: Strategy;
  currency: string;
  /** Kept shipments first (a reroute's), then this decision's own, then vendor orders. */
  shipments: readonly Shipment[];
  keptCount: number;
  totalCents: number;
  candidates: readonly CandidateEntry[];
  runnersUp: readonly PlanBreakdown[];
  short: readonly ShortEntry[];
  reroute: RerouteNote | null;
}

/** One sentence a person can read out to a customer. */
export function summarize(f: SummaryFacts): string {
  const decided = f.shipments.slice(f.keptCount);
  const own = decided.filter((s) => s.type !== 'vendor_order');
  const vendors = decided.filter((s) => s.type === 'vendor_order');
  const ids = own.map((s) => s.locationId).join(', ');
  const ranked = f.candidates.filter((c) => c.status === 'ranked').length;
  const parts: string[] = [];
  if (f.reroute) {
    const kept = f.reroute.keptLocationIds.length > 0 ? `, keeping ${f.reroute.keptLocationIds.map((id) => `${id}’s`).join(', ')} shipment` : '';
    parts.push(`Rerouted after ${f.reroute.rejectedLocationId} reported ${f.reroute.reason.replace('_', ' ')}${kept}`);
  }
  switch (f.strategy) {
    case 'single':
      parts.push(`Ships from ${ids} in one shipment: the cheapest of ${ranked} candidate locations`);
      break;
    case 'split_pair': {
      const anyFills = f.candidates.some((c) => c.status === 'ranked' && c.fillsOrder);
      parts.push(`Split between ${ids}: ${anyFills ? 'cheaper than any single location' : 'no single location holds every line'}`);
      break;
    }
    case 'greedy_cover':
      parts.push(`Covered by ${own.length} shipment(s) from ${ids || 'nowhere'}: no one or two locations can fill the order`);
      break;
    case 'pickup':
      parts.push(own.length > 0 ? `Reserved for pickup at ${ids}` : 'The pickup store cannot take the order');
      break;
    case 'drop_ship_only':
      parts.push('Every line ships from its drop-ship vendor');
      break;
    case 'nothing_available':
      parts.push('No eligible location holds any of the order');
      break;
  }
  const next = f.runnersUp[0];
  if (next) parts.push(`next best (${next.shipments.slice(f.keptCount).filter((s) => s.type !== 'vendor_order').map((s) => s.locationId).join(', ')}) costs ${formatCents(next.deltaCents, f.currency)} more`);
  if (vendors.length > 0) parts.push(`vendor order(s) to ${vendors.map((s) => s.locationId).join(', ')}`);
  const eliminated = f.candidates.filter((c) => c.status === 'eliminated');
  if (eliminated.length > 0) {
    const counts = new Map<string, number>();
    for (const c of eliminated) if (c.status === 'eliminated') counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);
    parts.push(`${eliminated.length} location(s) eliminated (${[...counts].map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`).join(', ')})`);
  }
  const shortUnits = f.short.reduce((total, s) => total + s.quantity, 0);
  if (shortUnits > 0) parts.push(`${shortUnits} unit(s) short`);
  return `${parts.join('; ')}. Total ${formatCents(f.totalCents, f.currency)}.`;
}

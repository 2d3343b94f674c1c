import type { EliminationReason } from './decision-log.ts';
import type { Demand } from './order-demand.ts';
import { billableKg, parcelCents, zoneFor } from './shipping-cost.ts';
import { atpOf, type SourceNetwork } from './source-network.ts';
import type { CarrierRate, SourcingPolicy } from './sourcing-policy.ts';
import type { ServiceLevel } from './sourcing.types.ts';

/**
 * The locations that may ship the order's own (not drop-ship) lines, as flat arrays so the
 * search touches no objects: candidate c's stock of demand d is `atp[c × demands + d]`, its
 * carrier k band `zoneBase[c × carriers + k]` (−1 where k does not serve that distance).
 */
export interface CandidateTable {
  demands: readonly Demand[];
  count: number;
  /** Network index of each candidate. */
  location: number[];
  atp: number[];
  quantity: number[];
  unitWeightGrams: number[];
  unitVolumeMm3: number[];
  splittable: number[];
  totalUnits: number;
  totalWeightGrams: number;
  totalVolumeMm3: number;
  distanceKm: number[];
  pickCents: number[];
  packCents: number[];
  carriers: number;
  fuelBp: number[];
  zoneBase: number[];
  zonePerKg: number[];
  /**
   * A lower bound of any shipment from c is `fixedLowerCents[c]` plus, per unit of demand d it
   * sends, `unitLowerCents[c × demands + d]`: pack + the cheapest base, fuel at its lowest; pick +
   * the cheapest per-kg charge of the unit's actual weight. Rounding up to whole kilograms and
   * dimensional weight only add to the true cost, and half a cent covers the fuel rounding.
   */
  fixedLowerCents: number[];
  unitLowerCents: number[];
  dimDivisor: number;
  /** Parcel price by candidate and billable kg, filled on first use (price + 1; 0 = not yet). */
  parcelCache: number[] | null;
  cacheKg: number;
}

/** Orders heavier than this many billable kg price their parcels without the cache. */
const MAX_CACHED_KG = 256;

export interface Screening {
  table: CandidateTable;
  /** Per network location: why it cannot ship the own lines, or null when it is a candidate. */
  reasons: (EliminationReason | null)[];
  /** Per network location: its candidate index, or −1. */
  candidateOf: number[];
}

/** Screens every location for shipping the own demands; drop-ship vendors take only their own lines. */
export function screenForShipping(network: SourceNetwork, demands: readonly Demand[], policy: SourcingPolicy, service: ServiceLevel): Screening {
  const rates = policy.rates.filter((r) => r.service === service);
  const K = rates.length;
  const D = demands.length;
  const L = network.locations.length;
  const reasons = new Array<EliminationReason | null>(L).fill(null);
  const candidateOf = new Array<number>(L).fill(-1);
  let C = 0;
  for (let i = 0; i < L; i++) {
    const location = network.locations[i]!;
    let reason: EliminationReason | null = null;
    if (D === 0) reason = 'not_needed';
    else if (location.kind === 'dropship') reason = 'vendor_only';
    else if (!location.active) reason = 'inactive';
    else if (network.excluded.has(location.id)) reason = 'excluded';
    else if (!location.shipsToCustomers) reason = 'not_eligible_ship';
    else if (!(location.remainingDailyCapacity >= 1)) reason = 'capacity_exhausted';
    else if (!holdsAny(network, i, demands)) reason = 'no_stock';
    else if (!anyCarrierServes(rates, network.distanceKm[i]!)) reason = 'out_of_carrier_range';
    reasons[i] = reason;
    if (reason === null) candidateOf[i] = C++;
  }

  const table: CandidateTable = {
    demands,
    count: C,
    location: new Array<number>(C).fill(0),
    atp: new Array<number>(C * D).fill(0),
    quantity: new Array<number>(D).fill(0),
    unitWeightGrams: new Array<number>(D).fill(0),
    unitVolumeMm3: new Array<number>(D).fill(0),
    splittable: new Array<number>(D).fill(0),
    totalUnits: 0,
    totalWeightGrams: 0,
    totalVolumeMm3: 0,
    distanceKm: new Array<number>(C).fill(0),
    pickCents: new Array<number>(C).fill(0),
    packCents: new Array<number>(C).fill(0),
    carriers: K,
    fuelBp: new Array<number>(K).fill(0),
    zoneBase: new Array<number>(C * K).fill(0),
    zonePerKg: new Array<number>(C * K).fill(0),
    fixedLowerCents: new Array<number>(C).fill(0),
    unitLowerCents: new Array<number>(C * D).fill(0),
    dimDivisor: policy.dimWeightDivisorCm3PerKg,
    parcelCache: null,
    cacheKg: 0,
  };
  for (let d = 0; d < D; d++) {
    const demand = demands[d]!;
    table.quantity[d] = demand.quantity;
    table.unitWeightGrams[d] = demand.unitWeightGrams;
    table.unitVolumeMm3[d] = demand.unitVolumeMm3;
    table.splittable[d] = demand.splittable ? 1 : 0;
    table.totalUnits += demand.quantity;
    table.totalWeightGrams += demand.quantity * demand.unitWeightGrams;
    table.totalVolumeMm3 += demand.quantity * demand.unitVolumeMm3;
  }
  for (let k = 0; k < K; k++) table.fuelBp[k] = rates[k]!.fuelSurchargeBp;
  const heaviestKg = billableKg(table.totalWeightGrams, table.totalVolumeMm3, table.dimDivisor);
  if (heaviestKg <= MAX_CACHED_KG) {
    table.cacheKg = heaviestKg + 1;
    table.parcelCache = new Array<number>(C * table.cacheKg).fill(0);
  }
  for (let i = 0; i < L; i++) {
    const c = candidateOf[i]!;
    if (c >= 0) fillCandidate(table, network, rates, c, i);
  }
  return { table, reasons, candidateOf };
}

function fillCandidate(table: CandidateTable, network: SourceNetwork, rates: readonly CarrierRate[], c: number, i: number): void {
  const K = table.carriers;
  const D = table.demands.length;
  const location = network.locations[i]!;
  const distance = network.distanceKm[i]!;
  table.location[c] = i;
  table.distanceKm[c] = distance;
  table.pickCents[c] = location.pickCostCents;
  table.packCents[c] = location.packCostCents;
  for (let d = 0; d < D; d++) table.atp[c * D + d] = atpOf(network, i, table.demands[d]!.slot);
  let minBase = Infinity;
  let minPerKg = Infinity;
  let minFuel = Infinity;
  for (let k = 0; k < K; k++) {
    const zone = zoneFor(rates[k]!, distance);
    table.zoneBase[c * K + k] = zone ? zone.baseCents : -1;
    table.zonePerKg[c * K + k] = zone ? zone.perKgCents : -1;
    if (!zone) continue;
    minBase = Math.min(minBase, zone.baseCents);
    minPerKg = Math.min(minPerKg, zone.perKgCents);
    minFuel = Math.min(minFuel, table.fuelBp[k]!);
  }
  const fuelFactor = 1 + minFuel / 10_000;
  table.fixedLowerCents[c] = location.packCostCents + minBase * fuelFactor - 0.5 - 1e-6;
  for (let d = 0; d < D; d++) {
    table.unitLowerCents[c * D + d] = location.pickCostCents + (minPerKg * fuelFactor * table.unitWeightGrams[d]!) / 1000;
  }
}

/** The cheapest parcel price from candidate c for this weight and volume. */
export function shippingFromCents(table: CandidateTable, c: number, weightGrams: number, volumeMm3: number): number {
  const kg = billableKg(weightGrams, volumeMm3, table.dimDivisor);
  const cache = table.parcelCache;
  if (cache === null || kg >= table.cacheKg) return parcelFromCents(table, c, kg);
  const at = c * table.cacheKg + kg;
  const cached = cache[at]!;
  if (cached > 0) return cached - 1;
  const cents = parcelFromCents(table, c, kg);
  cache[at] = cents + 1;
  return cents;
}

function parcelFromCents(table: CandidateTable, c: number, kg: number): number {
  const K = table.carriers;
  let best = Infinity;
  for (let k = 0; k < K; k++) {
    const base = table.zoneBase[c * K + k]!;
    if (base < 0) continue;
    const cents = parcelCents(base, table.zonePerKg[c * K + k]!, table.fuelBp[k]!, kg);
    if (cents < best) best = cents;
  }
  return best;
}

/** Shipping + pick + pack of sending `units[d]` of each demand from candidate c (0 when nothing). */
export function sourceCents(table: CandidateTable, c: number, units: ArrayLike<number>): number {
  let count = 0;
  let weight = 0;
  let volume = 0;
  for (let d = 0; d < table.demands.length; d++) {
    const u = units[d]!;
    count += u;
    weight += u * table.unitWeightGrams[d]!;
    volume += u * table.unitVolumeMm3[d]!;
  }
  if (count === 0) return 0;
  return shippingFromCents(table, c, weight, volume) + table.pickCents[c]! * count + table.packCents[c]!;
}

function holdsAny(network: SourceNetwork, location: number, demands: readonly Demand[]): boolean {
  for (const demand of demands) if (atpOf(network, location, demand.slot) > 0) return true;
  return false;
}

function anyCarrierServes(rates: readonly CarrierRate[], distance: number): boolean {
  for (const rate of rates) if (zoneFor(rate, distance)) return true;
  return false;
}

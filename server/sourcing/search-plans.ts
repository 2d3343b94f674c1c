import { shippingFromCents, type CandidateTable } from './candidate-table.ts';
import { BestPlans, type SourcePlan } from './source-plan.ts';

/**
 * Past this many lines that either location of a pair could send, the rest go to the pair's
 * nearer location instead of being enumerated: 2^10 assignments per pair is the most a
 * decision affords.
 */
const MAX_FREE_LINES = 10;

/**
 * Every complete plan with one or two shipments, exactly: each location that can fill every
 * demand alone, and each pair that can together. Within a pair, a demand only one of them can
 * fill goes there; a demand both can fill may go to either (every assignment is priced); a
 * demand neither can fill alone is split, if the policy allows, at one of its two extremes
 * (all of one location's units, the rest from the other). Pairs are visited in ascending
 * order of their cost bound and abandoned as soon as the bound exceeds the `keep`-th best
 * plan, which is what keeps 50 locations fast. Returns the `keep` best plans, best first.
 */
export function searchPlans(table: CandidateTable, penaltyCents: number, keep: number, idOf: (c: number) => string): SourcePlan[] {
  const best = new BestPlans(keep, idOf);
  const C = table.count;
  const D = table.demands.length;
  if (C === 0 || D === 0) return best.plans;

  for (let c = 0; c < C; c++) {
    if (!fillsAll(table, c)) continue;
    const cost = shippingFromCents(table, c, table.totalWeightGrams, table.totalVolumeMm3) + table.pickCents[c]! * table.totalUnits + table.packCents[c]!;
    if (cost > best.threshold()) continue;
    best.offer({ sources: [c], units: [table.quantity.slice()], costCents: cost, distanceKm: table.distanceKm[c]! });
  }

  // Pairs in ascending order of the separable part of their bound; the rest of the bound is
  // at least the cheapest per-unit charge any candidate has, for every unit.
  let unitsFloor = 0;
  for (let d = 0; d < D; d++) {
    let cheapest = Infinity;
    for (let c = 0; c < C; c++) cheapest = Math.min(cheapest, table.unitLowerCents[c * D + d]!);
    unitsFloor += cheapest * table.quantity[d]!;
  }
  const fixed = table.fixedLowerCents;
  // The visiting order changes only how soon pairs are cut off, never the result: plans are
  // compared by `comparePlans` and only plans strictly dearer than the threshold are cut.
  const order: number[] = [];
  for (let c = 0; c < C; c++) order.push(c);
  order.sort((x, y) => fixed[x]! - fixed[y]!);
  const work = new PairWork(D);
  const floor = penaltyCents + unitsFloor;
  for (let i = 0; i + 1 < C; i++) {
    const a = order[i]!;
    if (fixed[a]! + fixed[order[i + 1]!]! + floor > best.threshold()) break;
    for (let j = i + 1; j < C; j++) {
      const b = order[j]!;
      if (fixed[a]! + fixed[b]! + floor > best.threshold()) break;
      if (pairLowerBound(table, a, b) + penaltyCents > best.threshold()) continue;
      // The nearer (then lower id) goes first, so equal-cost assignments within a pair resolve
      // the same way whatever order the locations came in: the nearer sends more.
      const first = nearerOrLower(table, b, a, idOf) ? b : a;
      const second = first === a ? b : a;
      if (!work.classify(table, first, second)) continue;
      const mask = work.cheapestMask(table, first, second, penaltyCents);
      if (mask < 0 || work.bestCents > best.threshold()) continue;
      best.offer(work.plan(table, first, second, mask));
    }
  }
  return best.plans;
}

/** No assignment of the demands to a and b costs less than this (penalty excluded). */
function pairLowerBound(table: CandidateTable, a: number, b: number): number {
  const D = table.demands.length;
  const unit = table.unitLowerCents;
  let bound = table.fixedLowerCents[a]! + table.fixedLowerCents[b]!;
  for (let d = 0; d < D; d++) {
    const ua = unit[a * D + d]!;
    const ub = unit[b * D + d]!;
    bound += (ua < ub ? ua : ub) * table.quantity[d]!;
  }
  return bound;
}

function nearerOrLower(table: CandidateTable, c: number, than: number, idOf: (c: number) => string): boolean {
  const dc = table.distanceKm[c]!;
  const dt = table.distanceKm[than]!;
  return dc !== dt ? dc < dt : idOf(c) < idOf(than);
}

function fillsAll(table: CandidateTable, c: number): boolean {
  const D = table.demands.length;
  for (let d = 0; d < D; d++) if (table.atp[c * D + d]! < table.quantity[d]!) return false;
  return true;
}

/** Scratch space for pricing the assignments of one pair; allocated once per decision. */
class PairWork {
  /** Units of demand d to a and b under option 0 and option 1 (equal for a fixed demand). */
  readonly a0: number[];
  readonly b0: number[];
  readonly a1: number[];
  readonly b1: number[];
  /** Demands with a choice, in order; bit f of a mask picks option 1 for free[f]. */
  readonly free: number[];
  freeCount = 0;
  bestCents = Infinity;

  constructor(demands: number) {
    this.a0 = new Array<number>(demands).fill(0);
    this.b0 = new Array<number>(demands).fill(0);
    this.a1 = new Array<number>(demands).fill(0);
    this.b1 = new Array<number>(demands).fill(0);
    this.free = new Array<number>(Math.min(demands, MAX_FREE_LINES)).fill(0);
  }

  /** False when the pair cannot fill every demand. */
  classify(table: CandidateTable, a: number, b: number): boolean {
    const D = table.demands.length;
    this.freeCount = 0;
    for (let d = 0; d < D; d++) {
      const q = table.quantity[d]!;
      const xa = table.atp[a * D + d]!;
      const xb = table.atp[b * D + d]!;
      const fullA = xa >= q;
      const fullB = xb >= q;
      if (fullA && fullB) this.#set(d, q, 0, 0, q);
      else if (fullA) this.#set(d, q, 0, q, 0);
      else if (fullB) this.#set(d, 0, q, 0, q);
      else if (table.splittable[d] === 1 && xa + xb >= q) this.#set(d, xa, q - xa, q - xb, xb);
      else return false;
    }
    return true;
  }

  #set(d: number, a0: number, b0: number, a1: number, b1: number): void {
    const free = a0 !== a1 && this.freeCount < MAX_FREE_LINES;
    this.a0[d] = a0;
    this.b0[d] = b0;
    this.a1[d] = free ? a1 : a0;
    this.b1[d] = free ? b1 : b0;
    if (free) this.free[this.freeCount++] = d;
  }

  /** The cheapest assignment that gives both locations something, or −1; its cost in `bestCents`. */
  cheapestMask(table: CandidateTable, a: number, b: number, penaltyCents: number): number {
    const D = table.demands.length;
    let baseUA = 0;
    let baseWA = 0;
    let baseVA = 0;
    let baseUB = 0;
    let baseWB = 0;
    let baseVB = 0;
    for (let d = 0; d < D; d++) {
      const w = table.unitWeightGrams[d]!;
      const v = table.unitVolumeMm3[d]!;
      baseUA += this.a0[d]!;
      baseWA += this.a0[d]! * w;
      baseVA += this.a0[d]! * v;
      baseUB += this.b0[d]!;
      baseWB += this.b0[d]! * w;
      baseVB += this.b0[d]! * v;
    }
    const fixedCents = table.packCents[a]! + table.packCents[b]! + penaltyCents;
    const pickA = table.pickCents[a]!;
    const pickB = table.pickCents[b]!;
    this.bestCents = Infinity;
    let bestMask = -1;
    const masks = 1 << this.freeCount;
    for (let mask = 0; mask < masks; mask++) {
      let uA = baseUA;
      let wA = baseWA;
      let vA = baseVA;
      let uB = baseUB;
      let wB = baseWB;
      let vB = baseVB;
      for (let f = 0; f < this.freeCount; f++) {
        if (((mask >>> f) & 1) === 0) continue;
        const d = this.free[f]!;
        const w = table.unitWeightGrams[d]!;
        const v = table.unitVolumeMm3[d]!;
        const moveA = this.a1[d]! - this.a0[d]!;
        const moveB = this.b1[d]! - this.b0[d]!;
        uA += moveA;
        wA += moveA * w;
        vA += moveA * v;
        uB += moveB;
        wB += moveB * w;
        vB += moveB * v;
      }
      if (uA === 0 || uB === 0) continue;
      const cost =
        fixedCents + pickA * uA + pickB * uB + shippingFromCents(table, a, wA, vA) + shippingFromCents(table, b, wB, vB);
      if (cost < this.bestCents) {
        this.bestCents = cost;
        bestMask = mask;
      }
    }
    return bestMask;
  }

  plan(table: CandidateTable, a: number, b: number, mask: number): SourcePlan {
    const D = table.demands.length;
    const unitsA = new Array<number>(D).fill(0);
    const unitsB = new Array<number>(D).fill(0);
    for (let d = 0; d < D; d++) {
      unitsA[d] = this.a0[d]!;
      unitsB[d] = this.b0[d]!;
    }
    for (let f = 0; f < this.freeCount; f++) {
      if (((mask >>> f) & 1) === 0) continue;
      const d = this.free[f]!;
      unitsA[d] = this.a1[d]!;
      unitsB[d] = this.b1[d]!;
    }
    return { sources: [a, b], units: [unitsA, unitsB], costCents: this.bestCents, distanceKm: table.distanceKm[a]! + table.distanceKm[b]! };
  }
}

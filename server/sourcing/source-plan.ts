import type { CandidateTable } from './candidate-table.ts';

/** Where the own demands come from: one shipment per source, `units[s][d]` of demand d from source s. */
export interface SourcePlan {
  /** Candidate indices of the table. */
  sources: number[];
  units: number[][];
  /** Shipping + pick + pack of every source, plus the split penalty for each source beyond the first. */
  costCents: number;
  /** Sum of the sources' distances to the customer: the first tie-break after cost. */
  distanceKm: number;
}

/**
 * The order of plans, best first: lower cost; on equal cost fewer shipments; then shorter
 * total distance; then the location ids, sorted, compared as text. Total, so decisions are
 * deterministic whatever order the locations came in.
 */
export function comparePlans(a: SourcePlan, b: SourcePlan, idOf: (candidate: number) => string): number {
  if (a.costCents !== b.costCents) return a.costCents - b.costCents;
  if (a.sources.length !== b.sources.length) return a.sources.length - b.sources.length;
  if (a.distanceKm !== b.distanceKm) return a.distanceKm - b.distanceKm;
  const idsA = a.sources.map(idOf).sort();
  const idsB = b.sources.map(idOf).sort();
  for (let i = 0; i < idsA.length; i++) {
    if (idsA[i] !== idsB[i]) return idsA[i]! < idsB[i]! ? -1 : 1;
  }
  return 0;
}

/** The `keep` best plans offered so far, best first. */
export class BestPlans {
  readonly plans: SourcePlan[] = [];
  readonly #keep: number;
  readonly #idOf: (candidate: number) => string;

  constructor(keep: number, idOf: (candidate: number) => string) {
    this.#keep = Math.max(1, keep);
    this.#idOf = idOf;
  }

  /** A plan costing more than this cannot enter. */
  threshold(): number {
    return this.plans.length < this.#keep ? Infinity : this.plans[this.#keep - 1]!.costCents;
  }

  offer(plan: SourcePlan): void {
    let at = this.plans.length;
    while (at > 0 && comparePlans(plan, this.plans[at - 1]!, this.#idOf) < 0) at--;
    if (at >= this.#keep) return;
    this.plans.splice(at, 0, plan);
    if (this.plans.length > this.#keep) this.plans.pop();
  }
}

export function tableIdOf(table: CandidateTable, locationIds: readonly { id: string }[]): (candidate: number) => string {
  return (candidate) => locationIds[table.location[candidate]!]!.id;
}

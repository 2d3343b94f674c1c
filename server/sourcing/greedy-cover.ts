import { sourceCents, type CandidateTable } from './candidate-table.ts';
import type { SourcePlan } from './source-plan.ts';

export interface GreedyStep {
  candidate: number;
  units: number;
  costCents: number;
}

/**
 * The fallback when no one or two locations can fill the order: a greedy set cover. Each round
 * opens the location with the lowest cost per unit it adds (its shipment's cost, plus the
 * split penalty when a shipment exists already, divided by the units it can take of what is
 * still needed), which then takes all it can; ties go to the nearer location, then the lower
 * id. Rounds stop when everything is covered or no location adds a unit, so every unit that
 * some candidate holds is taken: fill first, then cost. A demand that may not be split is
 * taken whole or not at all; if no location holds all of it, the one holding the most (an
 * opened one first, then the nearer, then the lower id) sends what it has and the rest waits.
 * Not optimal: a cheaper cover may exist; the log lists the rounds.
 */
export function greedyCover(
  table: CandidateTable,
  penaltyCents: number,
  shipmentsBefore: number,
  idOf: (c: number) => string,
): { plan: SourcePlan | null; steps: GreedyStep[] } {
  const C = table.count;
  const D = table.demands.length;
  const need = table.quantity.slice();
  const opened = new Map<number, number[]>();
  const steps: GreedyStep[] = [];
  const take = new Array<number>(D).fill(0);

  for (;;) {
    let best = -1;
    let bestCost = 0;
    let bestUnits = 0;
    const penalty = shipmentsBefore + opened.size > 0 ? penaltyCents : 0;
    for (let c = 0; c < C; c++) {
      if (opened.has(c)) continue;
      const units = contribution(table, c, need, take);
      if (units === 0) continue;
      const cost = sourceCents(table, c, take) + penalty;
      const diff = cost * bestUnits - bestCost * units;
      if (best < 0 || diff < 0 || (diff === 0 && nearerOrLower(table, c, best, idOf))) {
        best = c;
        bestCost = cost;
        bestUnits = units;
      }
    }
    if (best < 0) break;
    const units = contribution(table, best, need, take);
    for (let d = 0; d < D; d++) need[d] = need[d]! - take[d]!;
    opened.set(best, take.slice());
    steps.push({ candidate: best, units, costCents: bestCost });
  }

  for (let d = 0; d < D; d++) {
    if (table.splittable[d] === 1 || need[d] !== table.quantity[d]) continue;
    let holder = -1;
    for (let c = 0; c < C; c++) {
      const held = table.atp[c * D + d]!;
      if (held === 0) continue;
      if (holder < 0) {
        holder = c;
        continue;
      }
      const most = table.atp[holder * D + d]!;
      if (held !== most) {
        if (held > most) holder = c;
      } else if (opened.has(c) !== opened.has(holder)) {
        if (opened.has(c)) holder = c;
      } else if (nearerOrLower(table, c, holder, idOf)) holder = c;
    }
    if (holder < 0) continue;
    const units = Math.min(table.atp[holder * D + d]!, need[d]!);
    const into = opened.get(holder) ?? new Array<number>(D).fill(0);
    into[d] = into[d]! + units;
    need[d] = need[d]! - units;
    if (!opened.has(holder)) {
      opened.set(holder, into);
      steps.push({ candidate: holder, units, costCents: sourceCents(table, holder, into) + (shipmentsBefore + opened.size > 1 ? penaltyCents : 0) });
    }
  }

  if (opened.size === 0) return { plan: null, steps };
  const sources = [...opened.keys()];
  const units = [...opened.values()];
  let costCents = penaltyCents * (sources.length - 1);
  let distanceKm = 0;
  sources.forEach((c, s) => {
    costCents += sourceCents(table, c, units[s]!);
    distanceKm += table.distanceKm[c]!;
  });
  return { plan: { sources, units, costCents, distanceKm }, steps };
}

/** Fills `take` with what candidate c would send of what is still needed; returns the units. */
function contribution(table: CandidateTable, c: number, need: number[], take: number[]): number {
  const D = table.demands.length;
  let units = 0;
  for (let d = 0; d < D; d++) {
    const held = table.atp[c * D + d]!;
    const wanted = need[d]!;
    let t = 0;
    if (wanted > 0 && held > 0) {
      if (table.splittable[d] === 1) t = held < wanted ? held : wanted;
      else if (wanted === table.quantity[d] && held >= wanted) t = wanted;
    }
    take[d] = t;
    units += t;
  }
  return units;
}

function nearerOrLower(table: CandidateTable, c: number, than: number, idOf: (c: number) => string): boolean {
  const dc = table.distanceKm[c]!;
  const dt = table.distanceKm[than]!;
  return dc !== dt ? dc < dt : idOf(c) < idOf(than);
}

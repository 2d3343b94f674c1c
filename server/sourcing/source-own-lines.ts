import { buildShipment } from './build-shipment.ts';
import { screenForShipping, sourceCents, type CandidateTable } from './candidate-table.ts';
import { eliminatedEntry, rankedEntry, recordShort, type DecisionDraft } from './decision-draft.ts';
import { greedyCover } from './greedy-cover.ts';
import { LineFiller, type Demand } from './order-demand.ts';
import { searchPlans } from './search-plans.ts';
import { tableIdOf, type SourcePlan } from './source-plan.ts';
import type { ShipmentCost } from './decision-log.ts';
import { billableKg, cheapestQuote } from './shipping-cost.ts';
import type { Shipment } from './sourcing.types.ts';

/**
 * Ships the order's own lines: the cheapest complete plan of one or two shipments (exact,
 * search-plans.ts), else the greedy cover (greedy-cover.ts). Records every location's
 * elimination reason or rank, and the runner-up plans' shipments.
 */
export function sourceOwnLines(draft: DecisionDraft, own: readonly Demand[]): void {
  const { network, policy, request } = draft;
  const { table, reasons, candidateOf } = screenForShipping(network, own, policy, request.service);
  const idOf = tableIdOf(table, network.locations);

  let plan: SourcePlan | null = null;
  if (own.length === 0) {
    draft.strategy = draft.vendor.length > 0 ? 'drop_ship_only' : 'nothing_available';
  } else {
    const plans = searchPlans(table, policy.splitPenaltyCents, 1 + policy.runnersUpLogged, idOf);
    if (plans.length > 0) {
      plan = plans[0]!;
      draft.strategy = plan.sources.length === 1 ? 'single' : 'split_pair';
      draft.runnerUpCosts = plans.slice(1).map((p) => planCosts(draft, table, p));
    } else {
      const cover = greedyCover(table, policy.splitPenaltyCents, draft.kept.length + draft.vendor.length, idOf);
      plan = cover.plan;
      draft.strategy = plan ? 'greedy_cover' : 'nothing_available';
      draft.greedyRounds = cover.steps.map((s) => ({ locationId: idOf(s.candidate), units: s.units, costCents: s.costCents }));
    }
  }

  const filler = new LineFiller(own);
  if (plan) draft.own.push(...shipmentsOf(draft, table, plan, filler));
  recordShort(draft, filler, (d) => (!own[d]!.splittable && holdsSome(table, d) ? 'not_split_low_value' : 'no_stock'));

  const ranks = rankCandidates(table, idOf);
  const chosen = new Set(plan?.sources ?? []);
  for (let i = 0; i < network.locations.length; i++) {
    const reason = reasons[i];
    if (reason) {
      const location = network.locations[i]!;
      draft.ownEntries[i] = eliminatedEntry(network, i, reason, reason === 'excluded' ? network.excluded.get(location.id) : undefined);
      continue;
    }
    const c = candidateOf[i]!;
    const r = ranks[c]!;
    draft.ownEntries[i] = rankedEntry(network, i, r.rank, r.units, r.fillsOrder, r.costCents, chosen.has(c));
  }
}

/** A plan's shipments, nearest location first (then by id). */
function shipmentsOf(draft: DecisionDraft, table: CandidateTable, plan: SourcePlan, filler: LineFiller): Shipment[] {
  const { network, policy, request } = draft;
  const order = plan.sources.map((c, s) => ({ c, s, id: network.locations[table.location[c]!]!.id }));
  order.sort((x, y) => table.distanceKm[x.c]! - table.distanceKm[y.c]! || (x.id < y.id ? -1 : 1));
  return order.map(({ c, s }) => {
    const i = table.location[c]!;
    return buildShipment(
      {
        location: network.locations[i]!,
        distanceKm: network.distanceKm[i]!,
        type: 'ship',
        demands: table.demands,
        units: plan.units[s]!,
        service: request.service,
        releasedAtMs: draft.releasedAtMs,
      },
      policy,
      filler,
    );
  });
}

/** What a plan's shipments would cost, without building them (runner-ups are only logged). */
function planCosts(draft: DecisionDraft, table: CandidateTable, plan: SourcePlan): ShipmentCost[] {
  const { network, policy, request } = draft;
  const D = table.demands.length;
  return plan.sources.map((c, s) => {
    const units = plan.units[s]!;
    let count = 0;
    let weight = 0;
    let volume = 0;
    for (let d = 0; d < D; d++) {
      count += units[d]!;
      weight += units[d]! * table.unitWeightGrams[d]!;
      volume += units[d]! * table.unitVolumeMm3[d]!;
    }
    const kg = billableKg(weight, volume, policy.dimWeightDivisorCm3PerKg);
    const quote = cheapestQuote(policy.rates, request.service, table.distanceKm[c]!, kg)!;
    const pickCents = table.pickCents[c]! * count;
    const packCents = table.packCents[c]!;
    return {
      locationId: network.locations[table.location[c]!]!.id,
      type: 'ship',
      carrier: quote.carrier,
      units: count,
      billableKg: kg,
      shippingCents: quote.shippingCents,
      pickCents,
      packCents,
      totalCents: quote.shippingCents + pickCents + packCents,
    };
  });
}

function holdsSome(table: CandidateTable, d: number): boolean {
  const D = table.demands.length;
  for (let c = 0; c < table.count; c++) if (table.atp[c * D + d]! > 0) return true;
  return false;
}

interface Rank {
  rank: number;
  units: number;
  fillsOrder: boolean;
  costCents: number;
}

/**
 * Each candidate's standing on its own: the units of the order it holds and what sending them
 * from there alone would cost. Those holding everything rank first, then by cost per unit held
 * (compared as cross products: no division), then distance, then id.
 */
function rankCandidates(table: CandidateTable, idOf: (c: number) => string): Rank[] {
  const D = table.demands.length;
  const held = new Array<number>(D).fill(0);
  const ranks: Rank[] = [];
  for (let c = 0; c < table.count; c++) {
    let units = 0;
    let fillsOrder = true;
    for (let d = 0; d < D; d++) {
      const q = table.quantity[d]!;
      const x = table.atp[c * D + d]!;
      held[d] = x < q ? x : q;
      units += held[d]!;
      if (x < q) fillsOrder = false;
    }
    ranks.push({ rank: 0, units, fillsOrder, costCents: sourceCents(table, c, held) });
  }
  const order = ranks.map((_, c) => c);
  order.sort((x, y) => {
    const a = ranks[x]!;
    const b = ranks[y]!;
    if (a.fillsOrder !== b.fillsOrder) return a.fillsOrder ? -1 : 1;
    const perUnit = a.costCents * b.units - b.costCents * a.units;
    if (perUnit !== 0) return perUnit;
    return table.distanceKm[x]! - table.distanceKm[y]! || (idOf(x) < idOf(y) ? -1 : 1);
  });
  order.forEach((c, position) => (ranks[c]!.rank = position + 1));
  return ranks;
}

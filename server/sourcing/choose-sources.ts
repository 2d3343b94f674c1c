import { costsOf } from './build-shipment.ts';
import type { DecisionDraft } from './decision-draft.ts';
import { breakdown, shipmentCost, summarize, type CandidateEntry, type RerouteNote, type ShortEntry } from './decision-log.ts';
import { orderDemand } from './order-demand.ts';
import { sourceDropShip } from './source-drop-ship.ts';
import { sourceNetwork } from './source-network.ts';
import { sourceOwnLines } from './source-own-lines.ts';
import { sourcePickup } from './source-pickup.ts';
import type { Exclusion, SourcingPolicy } from './sourcing-policy.ts';
import type { AvailabilityAdjustment, Shipment, SourcingDecision, SourcingRequest } from './sourcing.types.ts';

/**
 * Decides where each line of an order comes from, by the policy's cost: see README.md for the
 * cost formula and the algorithm. Pure and synchronous: the same request and policy always
 * give the same decision.
 */
export function chooseSources(request: SourcingRequest, policy: SourcingPolicy): SourcingDecision {
  return decideSourcing(request, policy, { kept: [], reroute: null, carriedShort: [], adjustments: [], exclusions: [] });
}

/** What a reroute brings into a decision (see resource-after-rejection.ts). */
export interface DecisionContext {
  /** Shipments that stand: priced into the total and counted for the split penalty. */
  kept: readonly Shipment[];
  reroute: RerouteNote | null;
  /** Units already short before the reroute. */
  carriedShort: readonly ShortEntry[];
  adjustments: AvailabilityAdjustment[];
  exclusions: Exclusion[];
}

export function decideSourcing(request: SourcingRequest, policy: SourcingPolicy, context: DecisionContext): SourcingDecision {
  const demand = orderDemand(request.lines, policy.minSplitLineValueCents);
  const network = sourceNetwork(request, policy, demand.slots);
  const L = network.locations.length;
  const draft: DecisionDraft = {
    request,
    policy,
    network,
    releasedAtMs: request.placedAt.getTime(),
    kept: context.kept,
    own: [],
    vendor: [],
    short: [],
    ownEntries: new Array<CandidateEntry | null>(L).fill(null),
    vendorEntries: new Array<CandidateEntry | null>(L).fill(null),
    strategy: 'nothing_available',
    runnerUpCosts: [],
    greedyRounds: [],
  };

  if (request.fulfilment.method === 'pickup') {
    sourcePickup(draft, request.fulfilment.storeId, demand.own, demand.byVendor);
  } else {
    sourceDropShip(draft, demand.byVendor);
    sourceOwnLines(draft, demand.own);
  }

  const shipments = [...context.kept, ...draft.own, ...draft.vendor];
  const costs = costsOf(shipments, policy);
  const winner = breakdown(shipments.map(shipmentCost), policy.splitPenaltyCents, null);
  const runnersUp = draft.runnerUpCosts.map((own) =>
    breakdown([...context.kept.map(shipmentCost), ...own, ...draft.vendor.map(shipmentCost)], policy.splitPenaltyCents, costs.totalCents),
  );
  const candidates: CandidateEntry[] = [];
  for (let i = 0; i < L; i++) candidates.push(draft.vendorEntries[i] ?? draft.ownEntries[i]!);

  const short = [...context.carriedShort, ...draft.short].sort((a, b) => a.lineIndex - b.lineIndex);
  const shortByLine = new Map<number, number>();
  for (const s of short) shortByLine.set(s.lineIndex, (shortByLine.get(s.lineIndex) ?? 0) + s.quantity);

  let promisedDate: string | null = null;
  for (const s of shipments) if (promisedDate === null || s.promisedDate > promisedDate) promisedDate = s.promisedDate;

  const summary = summarize({
    strategy: draft.strategy,
    currency: policy.currency,
    shipments,
    keptCount: context.kept.length,
    totalCents: costs.totalCents,
    candidates,
    runnersUp,
    short,
    reroute: context.reroute,
  });
  return {
    method: request.fulfilment.method,
    service: request.service,
    decidedAt: request.placedAt.toISOString(),
    shipments,
    shortByLine,
    costs,
    promisedDate,
    log: { strategy: draft.strategy, summary, candidates, winner, runnersUp, greedyRounds: draft.greedyRounds, short, reroute: context.reroute },
    adjustments: context.adjustments,
    exclusions: context.exclusions,
  };
}

import type { CandidateEntry, DecisionLog, EliminationReason, Strategy } from '#server/sourcing/decision-log.ts';
import type { SourcingDecision } from '#server/sourcing/sourcing.types.ts';

/** GET /api/orders/:id/sourcing: the stored decision (its per-line shortfalls as an object). */
export interface StoredSourcing {
  orderId: string;
  number: string;
  decidedAt: string;
  strategy: string;
  totalCostCents: number;
  decision: Omit<SourcingDecision, 'shortByLine'> & { shortByLine: Record<string, number> };
}

export type { CandidateEntry, DecisionLog };

export const STRATEGY_LABELS: Record<Strategy, string> = {
  single: 'One location fills the order',
  split_pair: 'Split between two locations',
  greedy_cover: 'Covered by several locations',
  pickup: 'Pickup at the store',
  drop_ship_only: 'Every line drop-ships from its vendor',
  nothing_available: 'No eligible location holds any of it',
};

export const ELIMINATION_LABELS: Record<EliminationReason, string> = {
  inactive: 'Inactive',
  excluded: 'Excluded by the sourcing policy',
  not_eligible_ship: 'Does not ship to customers',
  not_eligible_pickup: 'Does not hand out pickups',
  not_pickup_store: 'Not the pickup store',
  capacity_exhausted: 'No capacity left that day',
  no_stock: 'No stock of the order',
  out_of_carrier_range: 'Out of carrier range',
  vendor_only: 'Drop-ship vendor: its own products only',
  not_needed: 'Not needed: every line drop-ships',
};

/** Chosen locations first, then the other ranked ones by rank, then vendors; the eliminated ones apart. */
export function splitCandidates(candidates: readonly CandidateEntry[]): { considered: CandidateEntry[]; eliminated: Extract<CandidateEntry, { status: 'eliminated' }>[] } {
  const order = (c: CandidateEntry) => (c.status === 'ranked' ? (c.chosen ? 0 : 1) : 2);
  const considered = candidates
    .filter((c) => c.status !== 'eliminated')
    .sort((a, b) => order(a) - order(b) || (a.status === 'ranked' && b.status === 'ranked' ? a.rank - b.rank : 0));
  const eliminated = candidates.filter((c): c is Extract<CandidateEntry, { status: 'eliminated' }> => c.status === 'eliminated');
  return { considered, eliminated };
}

/** How many locations each reason eliminated, most first. */
export function eliminationCounts(eliminated: readonly { reason: EliminationReason }[]): { reason: EliminationReason; count: number }[] {
  const counts = new Map<EliminationReason, number>();
  for (const c of eliminated) counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/** The engine's summary names locations by id; people read them by code and name. */
export function readableSummary(summary: string, locationName: (id: string) => string, ids: readonly string[]): string {
  return ids.reduce((text, id) => text.replaceAll(id, locationName(id)), summary);
}

/** A UTC calendar day (`YYYY-MM-DD`) as an instant inside it, so no time zone moves it to the day before. */
export function midday(day: string): string {
  return `${day}T12:00:00Z`;
}

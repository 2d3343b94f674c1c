import { ApiError, errorMessage } from '../api/client.ts';
import type { Location, Proposal, Supplier } from '../api/types.ts';

/** Soonest stock-out first (none last), then the costliest, then by SKU: what to decide first on top. */
export function byUrgency(proposals: readonly Proposal[]): Proposal[] {
  return [...proposals].sort(
    (a, b) => (a.stockoutDate ?? '9999-12-31').localeCompare(b.stockoutDate ?? '9999-12-31') || b.costCents - a.costCents || a.sku.localeCompare(b.sku),
  );
}

/** A location by code and name (its id's start when unknown). */
export function locationLabel(id: string | null, locations: readonly Location[]): string {
  const location = locations.find((candidate) => candidate.id === id);
  return location ? `${location.code} · ${location.name}` : (id?.slice(0, 8) ?? '—');
}

/** Where the units come from: the supplier bought from, or the location they move from. */
export function sourceLabel(proposal: Pick<Proposal, 'kind' | 'supplierId' | 'fromLocationId'>, suppliers: readonly Supplier[], locations: readonly Location[]): string {
  if (proposal.kind === 'purchase') {
    const supplier = suppliers.find((candidate) => candidate.id === proposal.supplierId);
    return `Buy from ${supplier ? `${supplier.code} · ${supplier.name}` : (proposal.supplierId?.slice(0, 8) ?? 'a supplier')}`;
  }
  return `Transfer from ${locationLabel(proposal.fromLocationId, locations)}`;
}

/** Quantities typed but not yet saved, as the approve request's `quantities`; none when nothing changed. */
export function changedQuantities(proposals: readonly Proposal[], ids: readonly string[], drafts: Readonly<Record<string, number>>): Record<string, number> | undefined {
  const changed: Record<string, number> = {};
  for (const id of ids) {
    const draft = drafts[id];
    const proposal = proposals.find((candidate) => candidate.id === id);
    if (proposal && draft !== undefined && Number.isInteger(draft) && draft >= 1 && draft !== proposal.quantity) changed[id] = draft;
  }
  return Object.keys(changed).length > 0 ? changed : undefined;
}

/** What approving the selection would cost, per currency, at the quantities shown. */
export function selectionCost(proposals: readonly Proposal[], ids: readonly string[], drafts: Readonly<Record<string, number>>): { currency: string; cents: number }[] {
  const totals = new Map<string, number>();
  for (const proposal of proposals) {
    if (!ids.includes(proposal.id)) continue;
    const quantity = drafts[proposal.id] ?? proposal.quantity;
    totals.set(proposal.currency, (totals.get(proposal.currency) ?? 0) + quantity * proposal.unitCostCents);
  }
  return [...totals].map(([currency, cents]) => ({ currency, cents }));
}

/** The stock position the proposal was made from, in the order a planner reads it. */
export function positionFacts(position: Readonly<Record<string, number>>): { label: string; value: number }[] {
  const labels: [string, string][] = [
    ['available', 'Available'],
    ['inbound', 'Inbound'],
    ['safetyStock', 'Safety stock'],
    ['reorderPoint', 'Reorder point'],
    ['orderUpTo', 'Order up to'],
    ['demandOverLeadTime', 'Demand over lead time'],
    ['daysOfCover', 'Days of cover'],
  ];
  return labels.filter(([key]) => typeof position[key] === 'number').map(([key, label]) => ({ label, value: position[key]! }));
}

/** A refused decision, naming by SKU the proposals the problem's fields point at (`ids.N`). */
export function decisionError(error: unknown, ids: readonly string[], items: readonly Pick<Proposal, 'id' | 'sku'>[]): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const named = error.errors.map((field) => {
    const index = /^ids\.(\d+)$/.exec(field.path)?.[1];
    if (index === undefined) return `${field.path}: ${field.message}`;
    const proposal = items.find((item) => item.id === ids[Number(index)]);
    return `${proposal ? proposal.sku : `proposal ${Number(index) + 1}`}: ${field.message}`;
  });
  const lead = error.status === 409 ? 'Someone else decided first, or a newer run replaced these proposals; the list now shows what is still open. ' : '';
  return `${lead}${error.detail}${named.length ? ` (${named.join('; ')})` : ''}`;
}

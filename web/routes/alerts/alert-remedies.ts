import type { AlertActionKind } from '../../lib/api/types.ts';

/** How the detail page offers each of an alert's remedies. */
export const REMEDIES: Record<AlertActionKind, { label: string; subjects: 'orders' | 'skus'; verb: string }> = {
  hold: { label: 'Hold', subjects: 'orders', verb: 'hold' },
  release_hold: { label: 'Release hold', subjects: 'orders', verb: 'release the hold of' },
  reroute: { label: 'Reroute', subjects: 'orders', verb: 'reroute' },
  upgrade_service: { label: 'Upgrade to express', subjects: 'orders', verb: 'upgrade to express' },
  propose_restock: { label: 'Propose restock', subjects: 'skus', verb: 'propose a restock of' },
};

export interface RemedyParams {
  reason?: string;
  toLocationId?: string;
  kind?: 'purchase' | 'transfer';
  fromLocationId?: string;
  quantity?: number | null;
}

/** The body of `POST /api/alerts/{id}/actions` for this remedy, these subjects and what the form holds. */
export function remedyBody(action: AlertActionKind, subjects: readonly string[], params: RemedyParams): Record<string, unknown> {
  const list = [...subjects];
  switch (action) {
    case 'hold':
      return { action, orderIds: list, ...(params.reason?.trim() ? { reason: params.reason.trim() } : {}) };
    case 'release_hold':
      return { action, orderIds: list };
    case 'reroute':
      return { action, orderIds: list, ...(params.toLocationId ? { toLocationId: params.toLocationId } : {}) };
    case 'upgrade_service':
      return { action, orderIds: list, service: 'express' };
    case 'propose_restock':
      return {
        action,
        skus: list,
        kind: params.kind ?? 'purchase',
        ...(params.kind === 'transfer' && params.fromLocationId ? { fromLocationId: params.fromLocationId } : {}),
        ...(params.quantity ? { quantity: params.quantity } : {}),
      };
  }
}

/** "Hold 3 orders?" for the confirmation step. */
export function confirmText(action: AlertActionKind, count: number): string {
  const remedy = REMEDIES[action];
  const noun = remedy.subjects === 'orders' ? (count === 1 ? 'order' : 'orders') : count === 1 ? 'SKU' : 'SKUs';
  return `${remedy.verb.charAt(0).toUpperCase()}${remedy.verb.slice(1)} ${count} ${noun}?`;
}

/** The remedies offered for one kind of subject, in the API's order. */
export function remediesFor(actions: readonly AlertActionKind[], subjects: 'orders' | 'skus'): AlertActionKind[] {
  return actions.filter((action) => REMEDIES[action].subjects === subjects);
}

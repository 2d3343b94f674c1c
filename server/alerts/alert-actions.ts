import { can, type Actor } from '#server/auth/actor.ts';
import type { Action } from '#server/auth/permissions.ts';
import type { AlertRow } from './alert-view.ts';

/** The remedies an alert offers, each applied through the domain command named beside it. */
export const alertActionKinds = ['hold', 'release_hold', 'reroute', 'upgrade_service', 'propose_restock'] as const;
export type AlertActionKind = (typeof alertActionKinds)[number];

interface ActionDefinition {
  /** What the action is applied to: the alert's `affected.orders` or `affected.skus`. */
  subjects: 'orders' | 'skus';
  /** The permission of the domain command behind it (the route itself needs `alerts:remedy`). */
  permission: Action;
  /** Past tense for the summary: "Held 3 orders". */
  verb: string;
}

export const alertActions: Readonly<Record<AlertActionKind, ActionDefinition>> = {
  // holdOrder / releaseOrder (server/orders/hold-order.ts)
  hold: { subjects: 'orders', permission: 'orders:manage', verb: 'Held' },
  release_hold: { subjects: 'orders', permission: 'orders:manage', verb: 'Released the hold of' },
  // rerouteOrder (server/fulfillment/reroute-order.ts)
  reroute: { subjects: 'orders', permission: 'orders:manage', verb: 'Rerouted' },
  // upgradeService (server/orders/upgrade-service.ts): it costs money, so managers only.
  upgrade_service: { subjects: 'orders', permission: 'orders:upgrade_service', verb: 'Upgraded' },
  // a restock proposal for the planner's queue (./propose-restock-from-alert.ts)
  propose_restock: { subjects: 'skus', permission: 'replenishment:plan', verb: 'Proposed restock of' },
};

/** The ids, SKUs, … an alert lists under `key` (strings only). */
export function affectedList(affected: unknown, key: 'orders' | 'skus'): string[] {
  const list = (affected as Record<string, unknown> | null)?.[key];
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}

/** The location an alert's stock or orders are at: `affected.locationId`, else the alert's own. */
export function alertLocation(alert: Pick<AlertRow, 'affected' | 'locationId'>): string | null {
  const fromAffected = (alert.affected as Record<string, unknown> | null)?.['locationId'];
  return typeof fromAffected === 'string' ? fromAffected : alert.locationId;
}

/**
 * The actions this actor may take on this alert, for what it lists: order actions when it lists
 * orders, a restock proposal when it lists SKUs. Resolved alerts offer only releasing holds.
 */
export function offeredActions(actor: Actor | null, alert: Pick<AlertRow, 'affected' | 'locationId' | 'state'>): AlertActionKind[] {
  if (!actor || !can(actor, 'alerts:remedy')) return [];
  return alertActionKinds.filter((kind) => {
    const definition = alertActions[kind];
    if (!can(actor, definition.permission)) return false;
    if (affectedList(alert.affected, definition.subjects).length === 0) return false;
    if (alert.state === 'resolved' && kind !== 'release_hold') return false;
    // The units leave the alert's location; without one the page has nothing to offer.
    if (kind === 'reroute' && alertLocation(alert) === null) return false;
    return true;
  });
}

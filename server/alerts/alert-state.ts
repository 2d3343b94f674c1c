import type { alertStates } from '#db/schema/alerts.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';

export type AlertState = (typeof alertStates)[number];

/**
 * Every state an alert may move to from each. acknowledged → acknowledged is a change of
 * assignee; resolved → open is the engine reopening a condition that came back soon after.
 */
export const alertTransitions: Readonly<Record<AlertState, readonly AlertState[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['acknowledged', 'resolved'],
  resolved: ['open'],
};

export function assertAlertTransition(from: AlertState, to: AlertState): void {
  if (!alertTransitions[from].includes(to)) throw new InvalidTransitionError(from, to, 'alert');
}

import { InvalidTransitionError } from '#server/core/errors.ts';
import type { ReturnStatus } from './returns.schemas.ts';

/**
 * Every status an RMA may move to from each status. Receiving inspects at the dock, so a
 * receipt leads to `received` while units are still outstanding (more receipts may follow:
 * received → received) and to `inspected` once every requested unit is in. Resolution pays
 * for what was received; rejection is for a request refused before anything came back.
 */
export const returnTransitions: Readonly<Record<ReturnStatus, readonly ReturnStatus[]>> = {
  requested: ['authorized', 'received', 'inspected', 'rejected', 'cancelled'],
  authorized: ['received', 'inspected', 'rejected', 'cancelled'],
  received: ['received', 'inspected', 'resolved'],
  inspected: ['resolved'],
  resolved: [],
  rejected: [],
  cancelled: [],
};

export function canReturnTransition(from: ReturnStatus, to: ReturnStatus): boolean {
  return returnTransitions[from].includes(to);
}

export function assertReturnTransition(from: ReturnStatus, to: ReturnStatus): void {
  if (!canReturnTransition(from, to)) throw new InvalidTransitionError(from, to, 'return');
}

import { InvalidTransitionError } from '#server/core/errors.ts';
import type { TransferStatus } from './purchasing.schemas.ts';

/**
 * Every status a transfer may move to from each status. It ships once (short of the request
 * if need be); what left the source must arrive, so a shipped transfer is never cancelled.
 */
export const transferTransitions: Readonly<Record<TransferStatus, readonly TransferStatus[]>> = {
  requested: ['shipped', 'cancelled'],
  shipped: ['partially_received', 'received'],
  partially_received: ['partially_received', 'received'],
  received: [],
  cancelled: [],
};

export function assertTransferTransition(from: TransferStatus, to: TransferStatus): void {
  if (!transferTransitions[from].includes(to)) throw new InvalidTransitionError(from, to, 'transfer');
}

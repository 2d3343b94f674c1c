/**
 * Whether an `alert` message is worth a toast, kept small: the toasts ride in every page's
 * chunk. `known` is what the toasts have heard of each alert so far (severity rank, live or not).
 */
export interface Heard {
  rank: number;
  live: boolean;
}

const RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };

export type ToastReason = 'opened' | 'reopened' | 'escalated';

const REASONS: ReadonlySet<string> = new Set<ToastReason>(['opened', 'reopened', 'escalated']);

/**
 * The message's own `change` when it says one (opened, reopened, escalated; not acknowledged,
 * resolved, updated or action). Without it: opened (first seen, open, seen once), reopened
 * (heard resolved, now live again) or escalated (heard at a lower severity).
 */
export function toastReason(message: { state: string; severity: string; seenCount?: unknown; change?: unknown }, heard: Heard | undefined): ToastReason | null {
  if (message.state === 'resolved') return null;
  if (typeof message.change === 'string') return REASONS.has(message.change) ? (message.change as ToastReason) : null;
  const rank = RANK[message.severity] ?? 0;
  if (!heard) return message.state === 'open' && message.seenCount === 1 ? 'opened' : null;
  if (!heard.live) return 'reopened';
  return rank > heard.rank ? 'escalated' : null;
}

export function heardOf(message: { state: string; severity: string }): Heard {
  return { rank: RANK[message.severity] ?? 0, live: message.state !== 'resolved' };
}

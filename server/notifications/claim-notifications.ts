import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface ClaimedNotification {
  id: string;
  /** This send's number (1 for the first); the outcome is recorded only for this attempt. */
  attempt: number;
}

/**
 * Takes up to `limit` due emails for this sender: each is leased (pushed `leaseMs` into the
 * future) and its attempt counted, in one short statement. SKIP LOCKED lets several senders
 * claim at once without waiting for each other or taking the same row; a sender that dies
 * mid-send leaves its rows to be claimed again when the lease ends (at-least-once).
 */
export async function claimNotifications(
  db: Executor,
  options: { limit: number; leaseMs: number; recipientSuffix?: string | undefined },
): Promise<ClaimedNotification[]> {
  const onlySuffix = options.recipientSuffix
    ? sql`and right(recipient, ${options.recipientSuffix.length}) = ${options.recipientSuffix}`
    : sql``;
  const result = await db.execute<{ id: string; attempts: number }>(sql`
    with due as (
      select id from notifications
      where status = 'pending' and next_attempt_at <= now() ${onlySuffix}
      order by next_attempt_at
      limit ${options.limit}
      for update skip locked
    )
    update notifications n
    set attempts = n.attempts + 1, next_attempt_at = now() + ${options.leaseMs} * interval '1 millisecond'
    from due where n.id = due.id
    returning n.id, n.attempts`);
  return result.rows.map((r) => ({ id: r.id, attempt: r.attempts }));
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/**
 * The outcome of one attempt is written only while the row is still that attempt's (same
 * attempt number, still pending): a sender whose lease ran out cannot overwrite a later one.
 * Each returns false when the row had moved on.
 */

export async function markSent(
  db: Executor,
  claim: { id: string; attempt: number },
  sent: { transport: 'smtp' | 'file'; messageId: string; response: string },
): Promise<boolean> {
  const result = await db.execute(sql`
    update notifications
    set status = 'sent', sent_at = now(), transport = ${sent.transport}, message_id = ${sent.messageId}, response = ${sent.response}, last_error = null
    where id = ${claim.id} and attempts = ${claim.attempt} and status = 'pending'`);
  return (result.rowCount ?? 0) > 0;
}

/** Due again after `retryInMs`, or failed for good when `retryInMs` is null. */
export async function markAttemptFailed(db: Executor, claim: { id: string; attempt: number }, error: string, retryInMs: number | null): Promise<boolean> {
  const next = retryInMs === null ? sql`status = 'failed'` : sql`next_attempt_at = now() + ${Math.round(retryInMs)} * interval '1 millisecond'`;
  const result = await db.execute(sql`
    update notifications set ${next}, last_error = ${error.slice(0, 2000)}
    where id = ${claim.id} and attempts = ${claim.attempt} and status = 'pending'`);
  return (result.rowCount ?? 0) > 0;
}

import { and, eq, sql } from 'drizzle-orm';
import { executePrepared } from '#db/prepared-query.ts';
import type { Database, Executor, Transaction } from '#db/client.ts';
import { idempotencyKeys } from '#db/schema/idempotency.ts';
import { IdempotencyConflictError } from '#server/core/errors.ts';

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

export interface IdempotentOutcome<T> {
  result: T;
  /** True when an earlier request with this key did the work and this one only read it. */
  replayed: boolean;
}

/**
 * Runs `work` in one transaction that first claims the key. A concurrent request with the
 * same key blocks on the claim until the first commits (then reads its result) or rolls
 * back (then does the work itself). Only successful results are remembered, so a request
 * that failed can be retried with the same key.
 */
export async function runIdempotent<T>(
  db: Database,
  claim: IdempotencyClaim,
  work: (tx: Transaction) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  return db.transaction(async (tx) => {
    const claimed = await executePrepared<{ key: string }>(
      tx,
      'claim-idempotency-key',
      sql`insert into idempotency_keys (scope, key, request_hash, result)
          values (${claim.scope}, ${claim.key}, ${claim.requestHash}, null)
          on conflict do nothing returning key`,
    );
    if (claimed.rows.length === 0) {
      const previous = await findIdempotencyKey(tx, claim);
      if (!previous) throw new Error('idempotency key vanished while it was being read');
      if (previous.requestHash !== claim.requestHash) {
        throw new IdempotencyConflictError('This Idempotency-Key was already used with a different request body');
      }
      return { result: previous.result as T, replayed: true };
    }
    const result = await work(tx);
    await tx
      .update(idempotencyKeys)
      .set({ result: result as unknown })
      .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
    return { result, replayed: false };
  });
}

/** A claimed key with the hash of the request that claimed it and, once done, its result. */
export async function findIdempotencyKey(db: Executor, key: { scope: string; key: string }) {
  const [row] = await db
    .select({ requestHash: idempotencyKeys.requestHash, result: idempotencyKeys.result })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, key.scope), eq(idempotencyKeys.key, key.key)));
  return row;
}

/**
 * One transaction for a command; idempotent when the client sent a key. The key is scoped
 * to the command and the request is hashed, so a key reused for something else is refused.
 */
export async function runCommand<T>(
  db: Database,
  idempotency: { scope: string; key: string | undefined; requestHash: string },
  work: (tx: Transaction) => Promise<T>,
): Promise<IdempotentOutcome<T>> {
  if (!idempotency.key) return { result: await db.transaction(work), replayed: false };
  return runIdempotent(db, { scope: idempotency.scope, key: idempotency.key, requestHash: idempotency.requestHash }, work);
}

/**
 * Claims many keys of one scope in the caller's transaction, as runIdempotent claims one:
 * answers the keys this call claimed. A key already claimed (an earlier request, or one still
 * running) is left to the single command, which replays it, refuses a different body, or waits.
 */
export async function claimIdempotencyKeys(tx: Executor, scope: string, claims: readonly { key: string; requestHash: string }[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const result = await tx.execute<{ key: string }>(sql`
    insert into idempotency_keys (scope, key, request_hash, result)
    select ${scope}, c.key, c.hash, null from unnest(${sql.param(claims.map((c) => c.key))}::text[], ${sql.param(claims.map((c) => c.requestHash))}::text[]) as c(key, hash)
    on conflict do nothing returning key`);
  return new Set(result.rows.map((r) => r.key));
}

/** Remembers the results of keys claimed with claimIdempotencyKeys, and lets go of those whose work was refused (a retry may do it). */
export async function settleIdempotencyKeys(tx: Executor, scope: string, results: readonly { key: string; result: unknown }[], refused: readonly string[]): Promise<void> {
  if (results.length > 0) {
    await tx.execute(sql`
      update idempotency_keys k set result = r.result
      from jsonb_to_recordset(${JSON.stringify(results)}::jsonb) as r(key text, result jsonb)
      where k.scope = ${scope} and k.key = r.key`);
  }
  if (refused.length > 0) await tx.execute(sql`delete from idempotency_keys where scope = ${scope} and key = any(${sql.param([...refused])}::text[])`);
}

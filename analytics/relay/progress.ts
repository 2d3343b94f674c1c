/**
 * The relay's cursor in PostgreSQL (`relay_progress`, created by db/migrations/0005): one row
 * per ClickHouse store. Every change is a compare-and-set on (generation, last_id), so a
 * relay that lost its lead, or raced a rebuild, changes nothing and rereads instead.
 */

/** What `query` needs: a pg client or pool. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface Progress {
  /** Every outbox id <= lastId is in ClickHouse (or was never committed). */
  lastId: number;
  /** The batch (lastId, pendingTo] is being inserted; after a crash it goes again as is. */
  pendingTo: number | null;
  /** Bumped by a rebuild, so a replay's deduplication tokens differ from the first pass's. */
  generation: number;
}

/**
 * SQL arguments of the leadership lock for a store: the two-int form of the advisory lock
 * functions, (a class number of our own, hashtext(target)), with the target as $1. The
 * two-int form never collides with the one-bigint locks of db/migrate.ts.
 */
export const leadershipLock = '7410002, hashtext($1)';

export async function ensureProgress(db: Queryable, target: string): Promise<Progress> {
  await db.query('insert into relay_progress (target) values ($1) on conflict (target) do nothing', [target]);
  const progress = await readProgress(db, target);
  if (!progress) throw new Error(`relay_progress has no row for ${target}`);
  return progress;
}

export async function readProgress(db: Queryable, target: string): Promise<Progress | null> {
  const { rows } = await db.query<{ last_id: string | number; pending_to: string | number | null; generation: number }>(
    'select last_id, pending_to, generation from relay_progress where target = $1',
    [target],
  );
  const row = rows[0];
  if (!row) return null;
  return { lastId: Number(row.last_id), pendingTo: row.pending_to === null ? null : Number(row.pending_to), generation: row.generation };
}

interface Range {
  target: string;
  generation: number;
  fromId: number;
  toId: number;
}

/** Records that (fromId, toId] is about to be inserted; false if the progress moved meanwhile. */
export async function claimBatch(db: Queryable, range: Range): Promise<boolean> {
  const { rowCount } = await db.query(
    `update relay_progress set pending_to = $4, updated_at = now()
     where target = $1 and generation = $2 and last_id = $3 and pending_to is null`,
    [range.target, range.generation, range.fromId, range.toId],
  );
  return rowCount === 1;
}

/** Moves the cursor to toId once ClickHouse has the batch; false if the progress moved meanwhile. */
export async function acknowledgeBatch(db: Queryable, range: Range): Promise<boolean> {
  const { rowCount } = await db.query(
    `update relay_progress set last_id = $4, pending_to = null, updated_at = now()
     where target = $1 and generation = $2 and last_id = $3`,
    [range.target, range.generation, range.fromId, range.toId],
  );
  return rowCount === 1;
}

/** For a rebuild: start again from the first event, with tokens no earlier pass used. */
export async function resetProgress(db: Queryable, target: string): Promise<Progress> {
  await db.query(
    `insert into relay_progress (target) values ($1)
     on conflict (target) do update set last_id = 0, pending_to = null, generation = relay_progress.generation + 1, updated_at = now()`,
    [target],
  );
  return (await readProgress(db, target))!;
}

/** The largest outbox id committed so far (0 for an empty outbox). */
export async function lastOutboxId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ max: string | null }>('select max(id)::text as max from outbox');
  return Number(rows[0]?.max ?? 0);
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { executePrepared } from '#db/prepared-query.ts';
import type { AuditEntry } from './audit-writer.ts';

/**
 * Inserts audit entries in their order, in one statement text whatever their number, prepared
 * once per connection (drizzle's multi-row insert had a text per row count: 143 of them in a
 * 2-day backfill, each built and parsed anew). An entry without `occurredAt` gets the column's
 * default, now().
 *
 * Entries of dated requests only (their `detail.asOf`: imported history, which only the
 * `simulator` role writes) commit asynchronously, as those requests' own transactions do
 * (server/core/replayable-commits.ts): written on their own, outside the change's transaction,
 * each would otherwise wait for a WAL flush that a backfill's chain of requests waits for in turn.
 * A crash loses at most the last few hundred milliseconds of them, with the history they record,
 * which its driver sends again. In a caller's transaction (a wave's) it sets that transaction's
 * commit, when every entry it writes is history.
 */
export async function insertAuditEntries(executor: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    o: e.occurredAt ?? null,
    k: e.actorKind,
    a: e.actorId ?? null,
    l: e.actorLabel ?? null,
    c: e.action,
    m: e.method,
    p: e.path,
    tt: e.targetType ?? null,
    ti: e.targetId ?? null,
    s: e.status,
    r: e.outcome,
    q: e.requestId ?? null,
    i: e.ip ?? null,
    d: e.detail ?? null,
  }));
  const replayable = entries.every((e) => isDated(e.detail));
  await executePrepared(executor, 'insert-audit-entries', sql`
    with commit_mode as (
      select set_config('synchronous_commit', case when ${replayable}::boolean then 'off' else current_setting('synchronous_commit') end, true)
    )
    insert into audit_log (occurred_at, actor_kind, actor_id, actor_label, action, method, path, target_type, target_id, status, outcome, request_id, ip, detail)
    select coalesce(e.o, now()), e.k, e.a, e.l, e.c, e.m, e.p, e.tt, e.ti, e.s, e.r, e.q, e.i, e.d
    from commit_mode, rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (o timestamptz, k text, a text, l text, c text, m text, p text,
      tt text, ti text, s int, r audit_outcome, q text, i text, d jsonb)) with ordinality as e(o, k, a, l, c, m, p, tt, ti, s, r, q, i, d, n)
    order by e.n`);
}

function isDated(detail: unknown): boolean {
  return typeof detail === 'object' && detail !== null && typeof (detail as Record<string, unknown>)['asOf'] === 'string';
}

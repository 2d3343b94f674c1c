import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import type { auditOutcomes } from '#db/schema/identity.ts';
import { ValidationError } from '#server/core/errors.ts';

type Outcome = (typeof auditOutcomes)[number];

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: Outcome | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface AuditRecord {
  id: number;
  occurredAt: string;
  actor: { kind: string; id: string | null; label: string | null };
  action: string;
  method: string;
  path: string;
  target: { type: string; id: string } | null;
  status: number;
  outcome: Outcome;
  requestId: string | null;
  ip: string | null;
}

type Row = {
  id: number;
  occurred_at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  method: string;
  path: string;
  target_type: string | null;
  target_id: string | null;
  status: number;
  outcome: Outcome;
  request_id: string | null;
  ip: string | null;
};

/** Newest first. `actor` matches the actor's id or label (email, token name); the cursor is the last id seen. */
export async function searchAudit(db: Database, q: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (q.actor) conditions.push(sql`(actor_id = ${q.actor} or actor_label = ${q.actor.toLowerCase()} or actor_label = ${q.actor})`);
  if (q.action) conditions.push(sql`action = ${q.action}`);
  if (q.outcome) conditions.push(sql`outcome = ${q.outcome}`);
  if (q.targetId) conditions.push(sql`target_id = ${q.targetId}`);
  if (q.from) conditions.push(sql`occurred_at >= ${q.from}::timestamptz`);
  if (q.to) conditions.push(sql`occurred_at < ${q.to}::timestamptz`);
  if (q.cursor !== undefined) {
    if (!/^\d{1,18}$/.test(q.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API returned');
    conditions.push(sql`id < ${q.cursor}::bigint`);
  }
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const { rows } = await db.execute<Row>(sql`
    select id, occurred_at, actor_kind, actor_id, actor_label, action, method, path,
      target_type, target_id, status, outcome, request_id, ip
    from audit_log ${where} order by id desc limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      occurredAt: new Date(r.occurred_at).toISOString(),
      actor: { kind: r.actor_kind, id: r.actor_id, label: r.actor_label },
      action: r.action,
      method: r.method,
      path: r.path,
      target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
      status: r.status,
      outcome: r.outcome,
      requestId: r.request_id,
      ip: r.ip,
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null,
  };
}

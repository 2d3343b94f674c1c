import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { alertHistory, alerts } from '#db/schema/alerts.ts';
import type { Actor } from '#server/auth/actor.ts';
import { NotFoundError, ValidationError } from '#server/core/errors.ts';
import { offeredActions } from './alert-actions.ts';
import { presentAlert, presentAlerts } from './alert-presenter.ts';
import { mayActOnAlert, visibleAlertsSql } from './alert-scope.ts';
import type { AlertState } from './alert-state.ts';
import { alertView } from './alert-view.ts';
import type { AlertQuery } from './alerts.schemas.ts';

/** The cursor is the last item's (openedAt, id), opaque to clients. */
function encodeCursor(openedAt: Date, id: string): string {
  return Buffer.from(`${openedAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { openedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const openedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(openedAt.getTime())) throw ValidationError.field('cursor', 'is not a cursor this endpoint gave');
  return { openedAt, id };
}

/** Alerts newest first, filtered, limited to what the actor may see. */
export async function listAlerts(db: Executor, actor: Actor | null, query: AlertQuery) {
  const conditions: (SQL | undefined)[] = [
    visibleAlertsSql(actor),
    query.state ? inArray(alerts.state, [...new Set(query.state.split(','))] as AlertState[]) : undefined,
    query.rule ? eq(alerts.rule, query.rule) : undefined,
    query.severity ? eq(alerts.severity, query.severity) : undefined,
    query.locationId ? eq(alerts.locationId, query.locationId) : undefined,
  ];
  if (query.cursor) {
    const { openedAt, id } = decodeCursor(query.cursor);
    conditions.push(sql`(${alerts.openedAt}, ${alerts.id}) < (${openedAt}, ${id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...conditions))
    .orderBy(desc(alerts.openedAt), desc(alerts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: await presentAlerts(db, page.map(alertView)), nextCursor: rows.length > query.limit && last ? encodeCursor(last.openedAt, last.id) : null };
}

/** One alert with its whole history, oldest entry first, and the remedies the actor may apply. */
export async function findAlert(db: Executor, actor: Actor | null, id: string) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  if (!row || !mayActOnAlert(actor, row)) throw new NotFoundError('Alert');
  const history = await db.select().from(alertHistory).where(eq(alertHistory.alertId, id)).orderBy(asc(alertHistory.id));
  return {
    ...(await presentAlert(db, alertView(row))),
    history: history.map((h) => ({ at: h.at.toISOString(), kind: h.kind, actor: h.actor, data: h.data as Record<string, unknown> })),
    actions: offeredActions(actor, row),
  };
}

const DAY_MS = 86_400_000;

/**
 * Per rule, the alerts opened in [from, to): how many, how many are still live, and the p50/p90
 * of time to acknowledge (first acknowledgement) and to resolve, in seconds.
 */
export async function alertStats(db: Executor, actor: Actor | null, window: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const to = window.to ? new Date(window.to) : now;
  const from = window.from ? new Date(window.from) : new Date(to.getTime() - 7 * DAY_MS);
  if (!(from < to)) throw ValidationError.field('from', 'must be before to');
  const visible = visibleAlertsSql(actor) ?? sql`true`;
  const result = await db.execute<{
    rule: string | null;
    opened: number;
    open: number;
    acknowledged: number;
    ack_p50: number | null;
    ack_p90: number | null;
    resolved: number;
    resolve_p50: number | null;
    resolve_p90: number | null;
  }>(sql`
    select rule, count(*)::int as opened, count(*) filter (where state <> 'resolved')::int as open,
      count(acknowledged_at)::int as acknowledged,
      percentile_cont(0.5) within group (order by extract(epoch from acknowledged_at - opened_at)) as ack_p50,
      percentile_cont(0.9) within group (order by extract(epoch from acknowledged_at - opened_at)) as ack_p90,
      count(resolved_at)::int as resolved,
      percentile_cont(0.5) within group (order by extract(epoch from resolved_at - opened_at)) as resolve_p50,
      percentile_cont(0.9) within group (order by extract(epoch from resolved_at - opened_at)) as resolve_p90
    from alerts
    where opened_at >= ${from} and opened_at < ${to} and ${visible}
    group by grouping sets ((rule), ()) order by rule nulls last`);
  const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
  const figures = (r: (typeof result.rows)[number]) => ({
    opened: r.opened,
    open: r.open,
    timeToAcknowledgeSeconds: { count: r.acknowledged, p50: num(r.ack_p50), p90: num(r.ack_p90) },
    timeToResolveSeconds: { count: r.resolved, p50: num(r.resolve_p50), p90: num(r.resolve_p90) },
  });
  // The grand total row (rule null) is every rule's alerts together: percentiles do not add up per rule.
  const total = result.rows.find((r) => r.rule === null);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    rules: result.rows.filter((r) => r.rule !== null).map((r) => ({ rule: r.rule!, ...figures(r) })),
    overall: total ? figures(total) : { opened: 0, open: 0, timeToAcknowledgeSeconds: { count: 0, p50: null, p90: null }, timeToResolveSeconds: { count: 0, p50: null, p90: null } },
  };
}

import { and, eq, gt, gte, isNotNull, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { alertHistory, alerts } from '#db/schema/alerts.ts';
import { moreSevere, type Finding } from './alert-rule.ts';
import { alertView, type AlertRow, type AlertView } from './alert-view.ts';
import type { AlertChange } from './alerts.schemas.ts';

export const ENGINE_ACTOR = 'engine';
/** A round never outlasts its statement timeout (alert-engine.ts): a resolve later than this was not during it (a clock set back). */
const ROUND_LASTS_AT_MOST_MS = 60_000;

export interface RoundChanges {
  /** Alerts that opened, reopened, escalated, changed what they list, or resolved: to publish. */
  changed: AlertView[];
  opened: number;
  resolved: number;
  /** Resolved ones, for time-to-resolve. */
  resolvedRows: AlertRow[];
  /** How each alert of `changed` changed, by alert id. */
  changeOf: Map<string, AlertChange>;
  /** Deliveries (email, webhook) queued for them. */
  queued?: number;
}

function noChanges(): RoundChanges {
  return { changed: [], opened: 0, resolved: 0, resolvedRows: [], changeOf: new Map() };
}

function note(changes: RoundChanges, view: AlertView, change: AlertChange): void {
  changes.changed.push(view);
  changes.changeOf.set(view.id, change);
}

export interface RecordOptions {
  rule: string;
  now: Date;
  clearRounds: number;
  /** A condition back within this long after its alert resolved reopens that alert. */
  reopenWithinMs: number;
}

/**
 * Applies one round of a rule to its alerts, in the caller's transaction: a finding bumps its
 * live alert (count, last-seen, what it lists, severity only upwards) or opens one (reopens
 * one resolved moments ago); a live alert not found counts a clear round and resolves itself
 * after `clearRounds` of them in a row. Every change writes its history row.
 */
export async function recordFindings(tx: Executor, findings: readonly Finding[], options: RecordOptions): Promise<RoundChanges> {
  const { rule, now } = options;
  const changes = noChanges();
  const live = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.rule, rule), ne(alerts.state, 'resolved')))
    .orderBy(alerts.subject)
    .for('update');
  const liveBySubject = new Map(live.map((a) => [a.subject, a]));
  // A person who resolved an alert after this round measured has the newer word: the finding
  // is stale (the order they cancelled was still stuck when we looked), so it neither reopens
  // their alert nor opens a twin.
  const resolvedSince = await tx
    .select({ subject: alerts.subject })
    .from(alerts)
    .where(and(eq(alerts.rule, rule), eq(alerts.state, 'resolved'), gt(alerts.resolvedAt, now), lte(alerts.resolvedAt, new Date(now.getTime() + ROUND_LASTS_AT_MOST_MS))));
  const overtaken = new Set(resolvedSince.map((r) => r.subject));
  const found = new Map(findings.filter((f) => !overtaken.has(f.subject) || liveBySubject.has(f.subject)).map((f) => [f.subject, f]));
  const history: (typeof alertHistory.$inferInsert)[] = [];

  for (const finding of found.values()) {
    const current = liveBySubject.get(finding.subject);
    if (current) {
      const severity = moreSevere(current.severity, finding.severity);
      const escalated = severity !== current.severity;
      // Measurements move every round; only a change of what the alert lists is worth telling people.
      const listChanged = canonicalJson(current.affected) !== canonicalJson(finding.affected);
      const [row] = await tx
        .update(alerts)
        .set({ severity, ...seenAgain(finding, now) })
        .where(eq(alerts.id, current.id))
        .returning();
      if (escalated) history.push({ alertId: current.id, at: now, kind: 'escalated', actor: ENGINE_ACTOR, data: { from: current.severity, to: severity } });
      if (escalated || listChanged) note(changes, alertView(row!), escalated ? 'escalated' : 'updated');
      continue;
    }
    const [recent] = await tx
      .select()
      .from(alerts)
      .where(
        and(
          eq(alerts.rule, rule),
          eq(alerts.subject, finding.subject),
          isNotNull(alerts.resolvedAt),
          gte(alerts.resolvedAt, new Date(now.getTime() - options.reopenWithinMs)),
          lte(alerts.resolvedAt, now),
        ),
      )
      .orderBy(sql`${alerts.resolvedAt} desc`)
      .limit(1)
      .for('update');
    if (recent) {
      const [row] = await tx
        .update(alerts)
        .set({
          state: recent.acknowledgedAt ? 'acknowledged' : 'open',
          severity: finding.severity,
          ...seenAgain(finding, now),
          resolvedAt: null,
          resolvedBy: null,
          resolveReason: null,
        })
        .where(eq(alerts.id, recent.id))
        .returning();
      history.push({ alertId: recent.id, at: now, kind: 'reopened', actor: ENGINE_ACTOR, data: { resolvedAt: recent.resolvedAt?.toISOString(), reason: recent.resolveReason } });
      note(changes, alertView(row!), 'reopened');
      changes.opened += 1;
      continue;
    }
    const [row] = await tx
      .insert(alerts)
      .values({
        rule,
        subject: finding.subject,
        severity: finding.severity,
        title: finding.title,
        detail: finding.detail,
        locationId: finding.locationId,
        affected: finding.affected,
        measured: finding.measured,
        openedAt: now,
        lastSeenAt: now,
      })
      .returning();
    history.push({ alertId: row!.id, at: now, kind: 'opened', actor: ENGINE_ACTOR, data: { severity: finding.severity, measured: finding.measured } });
    note(changes, alertView(row!), 'opened');
    changes.opened += 1;
  }

  for (const current of live) {
    if (found.has(current.subject)) continue;
    const streak = current.clearStreak + 1;
    if (streak < options.clearRounds) {
      await tx.update(alerts).set({ clearStreak: streak }).where(eq(alerts.id, current.id));
      continue;
    }
    const row = await resolveRow(tx, current, { now, by: ENGINE_ACTOR, reason: 'auto' });
    history.push({ alertId: current.id, at: now, kind: 'resolved', actor: ENGINE_ACTOR, data: { reason: 'auto', clearRounds: streak } });
    note(changes, alertView(row), 'resolved');
    changes.resolved += 1;
    changes.resolvedRows.push(row);
  }
  if (history.length > 0) await tx.insert(alertHistory).values(history);
  return changes;
}

/** Resolves every live alert of a rule at once (the rule was turned off). */
export async function resolveAllOfRule(tx: Executor, rule: string, now: Date, reason: string): Promise<RoundChanges> {
  const live = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.rule, rule), ne(alerts.state, 'resolved')))
    .orderBy(alerts.subject)
    .for('update');
  const changes = noChanges();
  for (const current of live) {
    const row = await resolveRow(tx, current, { now, by: ENGINE_ACTOR, reason });
    await tx.insert(alertHistory).values({ alertId: current.id, at: now, kind: 'resolved', actor: ENGINE_ACTOR, data: { reason } });
    note(changes, alertView(row), 'resolved');
    changes.resolved += 1;
    changes.resolvedRows.push(row);
  }
  return changes;
}

export async function resolveRow(tx: Executor, current: AlertRow, how: { now: Date; by: string; reason: string }): Promise<AlertRow> {
  const [row] = await tx
    .update(alerts)
    .set({ state: 'resolved', resolvedAt: how.now, resolvedBy: how.by, resolveReason: how.reason, clearStreak: 0 })
    .where(eq(alerts.id, current.id))
    .returning();
  return row!;
}

/** JSON with object keys sorted: jsonb hands objects back in its own key order. */
/** What a finding sets on the live alert it is seen again on (its severity aside). */
function seenAgain(finding: Finding, now: Date) {
  return {
    title: finding.title,
    detail: finding.detail,
    affected: finding.affected,
    measured: finding.measured,
    lastSeenAt: now,
    seenCount: sql`${alerts.seenCount} + 1`,
    clearStreak: 0,
  };
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

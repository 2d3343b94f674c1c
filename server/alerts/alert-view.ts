import type { alerts } from '#db/schema/alerts.ts';
import type { AlertMessage } from '#server/realtime/realtime-events.ts';

export type AlertRow = typeof alerts.$inferSelect;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * An alert as `GET /api/alerts` lists it and socket.io's `alert` carries it: the contract's
 * `{id, rule, severity, state, subject, openedAt, affected}` and the rest of what a user needs.
 */
export function alertView(row: AlertRow) {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    state: row.state,
    subject: row.subject,
    openedAt: row.openedAt.toISOString(),
    affected: row.affected as Record<string, unknown>,
    title: row.title,
    detail: row.detail,
    locationId: row.locationId,
    measured: row.measured as Record<string, unknown>,
    lastSeenAt: row.lastSeenAt.toISOString(),
    seenCount: row.seenCount,
    acknowledgedAt: iso(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    assignee: row.assignee,
    resolvedAt: iso(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    resolveReason: row.resolveReason,
  } satisfies AlertMessage;
}

export type AlertView = ReturnType<typeof alertView>;

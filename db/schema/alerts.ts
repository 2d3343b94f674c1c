import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';
import { locations } from './locations.ts';

export const alertStates = ['open', 'acknowledged', 'resolved'] as const;
export const alertState = pgEnum('alert_state', alertStates);

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export const alertSeverity = pgEnum('alert_severity', alertSeverities);

export const alertHistoryKinds = ['opened', 'escalated', 'acknowledged', 'assigned', 'resolved', 'reopened', 'action'] as const;
export const alertHistoryKind = pgEnum('alert_history_kind', alertHistoryKinds);

/**
 * One row per alert rule (server/alerts/rules/): whether it runs, its thresholds (validated by the
 * rule's own zod schema) and its base severity. Rows are seeded from the rules' defaults on start.
 */
export const alertRules = pgTable('alert_rules', {
  rule: text('rule').primaryKey(),
  enabled: boolean('enabled').notNull().default(true),
  thresholds: jsonb('thresholds').notNull(),
  severity: alertSeverity('severity').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  /** The engine's last round of this rule, whichever instance ran it (rounds are spaced by it). */
  lastEvaluatedAt: timestamptz('last_evaluated_at'),
  /** Why the last round failed; null once a round succeeds. */
  lastError: text('last_error'),
});

/**
 * A condition a rule found about one subject (`location:<id>`, `sku:<sku>@<location>`, `network`).
 * At most one live (not resolved) alert per rule and subject: a condition seen again bumps its
 * count and last-seen instead of opening another.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    rule: text('rule').notNull(),
    subject: text('subject').notNull(),
    state: alertState('state').notNull().default('open'),
    severity: alertSeverity('severity').notNull(),
    title: text('title').notNull(),
    detail: text('detail').notNull(),
    /** The location the alert is about, if one: its staff see it and its room receives it. */
    locationId: uuid('location_id').references(() => locations.id),
    /** `{orders:[…], skus:[…], locationId, …}`, capped (the totals say how many there are). */
    affected: jsonb('affected').notNull(),
    /** The figures the rule measured the last time it saw the condition. */
    measured: jsonb('measured').notNull(),
    openedAt: timestamptz('opened_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    seenCount: integer('seen_count').notNull().default(1),
    acknowledgedAt: timestamptz('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    assignee: uuid('assignee'),
    resolvedAt: timestamptz('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** `auto` when the condition cleared, `rule_disabled`, or what the person who resolved it wrote. */
    resolveReason: text('resolve_reason'),
    /** Consecutive rounds the condition was not found; the alert resolves itself at the rule's clearRounds. */
    clearStreak: integer('clear_streak').notNull().default(0),
  },
  (t) => [
    uniqueIndex('alerts_one_live_per_subject_idx').on(t.rule, t.subject).where(sql`${t.state} <> 'resolved'`),
    index('alerts_opened_idx').on(t.openedAt, t.id),
    index('alerts_state_opened_idx').on(t.state, t.openedAt),
    index('alerts_rule_subject_resolved_idx').on(t.rule, t.subject, t.resolvedAt),
    check('alerts_seen_count_positive', sql`${t.seenCount} > 0`),
    check('alerts_resolved_consistent', sql`(${t.state} = 'resolved') = (${t.resolvedAt} is not null)`),
  ],
);

/** Everything that happened to an alert, in order: the engine's doing and people's. */
export const alertHistory = pgTable(
  'alert_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    at: timestamptz('at').notNull(),
    kind: alertHistoryKind('kind').notNull(),
    /** A user id, an API token id, or `engine`. */
    actor: text('actor').notNull(),
    data: jsonb('data').notNull().default({}),
  },
  (t) => [index('alert_history_alert_idx').on(t.alertId, t.id)],
);

export const alertDeliveryChannels = ['email', 'webhook'] as const;
export const alertDeliveryChannel = pgEnum('alert_delivery_channel', alertDeliveryChannels);

export const alertDeliveryStatuses = ['pending', 'sent', 'failed'] as const;
export const alertDeliveryStatus = pgEnum('alert_delivery_status', alertDeliveryStatuses);

/**
 * Critical alerts to send by email or webhook: queued in the engine's transaction (a crash loses
 * none), sent after commit by a sender that claims due rows. One row per alert, channel and
 * occasion (`opened@<time>`, `escalated@<time>`, `reopened@<time>`): never sent twice for one.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: id(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    channel: alertDeliveryChannel('channel').notNull(),
    occasion: text('occasion').notNull(),
    /** What is sent: the alert as the API shows it, with `change`. */
    payload: jsonb('payload').notNull(),
    status: alertDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When it is due (again); while claimed, when the claim lapses. */
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    lastError: text('last_error'),
    sentAt: timestamptz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('alert_deliveries_once_key').on(t.alertId, t.channel, t.occasion),
    index('alert_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

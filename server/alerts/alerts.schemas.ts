import { z } from '@hono/zod-openapi';
import { alertHistoryKinds, alertSeverities, alertStates } from '#db/schema/alerts.ts';

export const AlertSeverity = z.enum(alertSeverities);
export const AlertState = z.enum(alertStates);

export const Alert = z
  .object({
    id: z.uuid(),
    rule: z.string(),
    severity: AlertSeverity,
    state: AlertState,
    subject: z.string().openapi({ description: '`location:<id>`, `sku:<sku>@<locationId>`, `carrier:<name>` or `network`' }),
    openedAt: z.string(),
    affected: z.record(z.string(), z.unknown()).openapi({ description: '`{orders:[…], skus:[…], locationId, …}`, lists capped at 50 (`ordersTotal` counts them all)' }),
    title: z.string(),
    detail: z.string(),
    locationId: z.uuid().nullable(),
    measured: z.record(z.string(), z.unknown()),
    lastSeenAt: z.string(),
    seenCount: z.number().int(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    assignee: z.uuid().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolveReason: z.string().nullable().openapi({ description: '`auto` when the condition cleared, `rule_disabled`, or the reason its resolver gave' }),
  })
  .openapi('Alert');

export const AlertHistoryEntry = z
  .object({ at: z.string(), kind: z.enum(alertHistoryKinds), actor: z.string(), data: z.record(z.string(), z.unknown()) })
  .openapi('AlertHistoryEntry');

export const AlertDetail = Alert.extend({ history: z.array(AlertHistoryEntry) }).openapi('AlertDetail');

export const AlertPage = z.object({ items: z.array(Alert), nextCursor: z.string().nullable() }).openapi('AlertPage');

export const AlertQuery = z.strictObject({
  state: AlertState.optional(),
  rule: z.string().min(1).max(64).optional(),
  severity: AlertSeverity.optional(),
  locationId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AlertQuery = z.infer<typeof AlertQuery>;

export const AcknowledgeAlertInput = z
  .strictObject({ assignee: z.uuid().nullable().optional().openapi({ description: 'The user who takes it; the acknowledging user by default' }) })
  .openapi('AcknowledgeAlertInput');
export type AcknowledgeAlertInput = z.infer<typeof AcknowledgeAlertInput>;

export const ResolveAlertInput = z.strictObject({ reason: z.string().trim().min(1).max(500) }).openapi('ResolveAlertInput');
export type ResolveAlertInput = z.infer<typeof ResolveAlertInput>;

export const AlertRuleView = z
  .object({
    rule: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    severity: AlertSeverity,
    thresholds: z.record(z.string(), z.unknown()),
    defaults: z.record(z.string(), z.unknown()),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
    lastEvaluatedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('AlertRule');

export const AlertRulePatch = z
  .strictObject({
    enabled: z.boolean().optional(),
    severity: AlertSeverity.optional(),
    thresholds: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Some thresholds of the rule; the others keep their values' }),
  })
  .openapi('AlertRulePatch');
export type AlertRulePatch = z.infer<typeof AlertRulePatch>;

export const AlertStatsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Alerts opened from (default: 7 days before `to`)' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Alerts opened before (default: now)' }),
});

const Percentiles = z.object({ count: z.number().int(), p50: z.number().nullable(), p90: z.number().nullable() });
export const AlertStats = z
  .object({
    from: z.string(),
    to: z.string(),
    rules: z.array(
      z.object({
        rule: z.string(),
        opened: z.number().int(),
        open: z.number().int(),
        timeToAcknowledgeSeconds: Percentiles,
        timeToResolveSeconds: Percentiles,
      }),
    ),
  })
  .openapi('AlertStats');

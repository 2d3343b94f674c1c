import { z } from '@hono/zod-openapi';
import { alertHistoryKinds, alertSeverities, alertStates } from '#db/schema/alerts.ts';
import { alertActionKinds } from './alert-actions.ts';

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
    assigneeName: z.string().nullable().optional().openapi({ description: "The assignee's name" }),
  })
  .openapi('Alert');

export const alertChanges = ['opened', 'reopened', 'escalated', 'updated', 'acknowledged', 'resolved', 'action'] as const;
export type AlertChange = (typeof alertChanges)[number];

export const AlertHistoryEntry = z
  .object({ at: z.string(), kind: z.enum(alertHistoryKinds), actor: z.string(), data: z.record(z.string(), z.unknown()) })
  .openapi('AlertHistoryEntry');

export const AlertDetail = Alert.extend({
  history: z.array(AlertHistoryEntry),
  actions: z.array(z.enum(alertActionKinds)).openapi({ description: 'The remedies the caller may apply to what this alert lists' }),
}).openapi('AlertDetail');

export const AlertPage = z.object({ items: z.array(Alert), nextCursor: z.string().nullable() }).openapi('AlertPage');

const STATE_LIST = new RegExp(`^(${alertStates.join('|')})(,(${alertStates.join('|')}))*$`);

export const AlertQuery = z.strictObject({
  state: z
    .string()
    .regex(STATE_LIST, `must be ${alertStates.join(', ')}, or several of them separated by commas`)
    .optional()
    .openapi({ description: 'One state or several separated by commas (`open,acknowledged`)' }),
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
const StatFigures = z.object({
  opened: z.number().int(),
  open: z.number().int(),
  timeToAcknowledgeSeconds: Percentiles,
  timeToResolveSeconds: Percentiles,
});
export const AlertStats = z
  .object({
    from: z.string(),
    to: z.string(),
    rules: z.array(StatFigures.extend({ rule: z.string() })),
    overall: StatFigures.openapi({ description: "Every rule's alerts of the window together (the control tower's tile)" }),
  })
  .openapi('AlertStats');

const OrderIds = z
  .array(z.uuid('must be an order id'))
  .min(1, 'must name at least one order')
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an order');
const Skus = z
  .array(z.string().trim().min(1).max(64))
  .min(1, 'must name at least one SKU')
  .max(100)
  .refine((skus) => new Set(skus).size === skus.length, 'must not repeat a SKU');
const Quantity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000);

export const AlertActionInput = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('hold'), orderIds: OrderIds, reason: z.string().trim().min(1).max(500).optional() }),
    z.strictObject({ action: z.literal('release_hold'), orderIds: OrderIds }),
    z.strictObject({
      action: z.literal('reroute'),
      orderIds: OrderIds,
      toLocationId: z.uuid().optional().openapi({ description: 'Where the units go; sourcing chooses without it' }),
      fromLocationId: z.uuid().optional().openapi({ description: "Where they leave; the alert's location by default" }),
    }),
    z.strictObject({ action: z.literal('upgrade_service'), orderIds: OrderIds, service: z.enum(['express']).default('express') }),
    z.strictObject({
      action: z.literal('propose_restock'),
      skus: Skus,
      kind: z.enum(['purchase', 'transfer']).default('purchase'),
      fromLocationId: z.uuid().optional().openapi({ description: 'The source of a transfer' }),
      locationId: z.uuid().optional().openapi({ description: "Where the stock is wanted; the alert's location by default" }),
      quantity: Quantity.optional().openapi({ description: "Units of each SKU; by default the shortfall the alert measured" }),
      note: z.string().trim().min(1).max(500).optional(),
    }),
  ])
  .superRefine((input, ctx) => {
    if (input.action === 'propose_restock' && input.kind === 'transfer' && !input.fromLocationId) {
      ctx.addIssue({ code: 'custom', path: ['fromLocationId'], message: 'a transfer needs its source location' });
    }
  })
  .openapi('AlertActionInput');
export type AlertActionInput = z.infer<typeof AlertActionInput>;

export const AlertActionOutcome = z
  .object({
    subject: z.string().openapi({ description: 'An order id or a SKU' }),
    orderNumber: z.string().nullable().optional(),
    outcome: z.enum(['done', 'refused']),
    reason: z.string().optional().openapi({ description: 'Why it was refused: `not_listed`, `invalid_transition`, `forbidden`, `validation`, `conflict`, …' }),
    detail: z.string().optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AlertActionOutcome');

export const AlertActionResult = z
  .object({
    action: z.enum(alertActionKinds),
    summary: z.string(),
    done: z.number().int(),
    refused: z.number().int(),
    outcomes: z.array(AlertActionOutcome),
    alert: Alert,
  })
  .openapi('AlertActionResult');

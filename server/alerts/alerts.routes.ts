import { createRoute, z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import { NotFoundError } from '#server/core/errors.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { acknowledgeAlert, type AlertCommandContext } from './acknowledge-alert.ts';
import { actOnAlert } from './act-on-alert.ts';
import { alertMetrics } from './alert-metrics.ts';
import { silentPublisher, type AlertPublisher } from './alert-publisher.ts';
import { alertStats, findAlert, listAlerts } from './alert-queries.ts';
import type { AlertRule } from './alert-rule.ts';
import { listAlertRules, updateAlertRule } from './alert-rule-settings.ts';
import {
  AcknowledgeAlertInput,
  Alert,
  AlertActionInput,
  AlertActionResult,
  AlertDetail,
  AlertPage,
  AlertQuery,
  AlertRulePatch,
  AlertRuleView,
  AlertStats,
  AlertStatsQuery,
  ResolveAlertInput,
} from './alerts.schemas.ts';
import { resolveAlert } from './resolve-alert.ts';
import { allRules, findRule } from './rules/all-rules.ts';

const tags = ['alerts'];
const AlertParams = z.object({ id: z.uuid() });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const listRoute = createRoute({
  method: 'get',
  path: '/api/alerts',
  'x-permission': 'alerts:read',
  tags,
  summary: 'Alerts, newest first (staff limited to locations: their locations only)',
  request: { query: AlertQuery },
  responses: { 200: jsonContent(AlertPage, 'One page of alerts'), ...problemResponses(422) },
});

const statsRoute = createRoute({
  method: 'get',
  path: '/api/alerts/stats',
  'x-permission': 'alerts:read',
  tags,
  summary: 'Per rule: alerts opened in the window, p50/p90 time to acknowledge and to resolve (seconds)',
  request: { query: AlertStatsQuery },
  responses: { 200: jsonContent(AlertStats, 'Alert statistics'), ...problemResponses(422) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/alerts/{id}',
  'x-permission': 'alerts:read',
  tags,
  summary: 'An alert with its whole history',
  request: { params: AlertParams },
  responses: { 200: jsonContent(AlertDetail, 'The alert'), ...problemResponses(404, 422) },
});

const acknowledgeRoute = createRoute({
  method: 'post',
  path: '/api/alerts/{id}/acknowledge',
  'x-permission': 'alerts:act',
  tags,
  summary: 'Acknowledge an open alert (assigning it), or reassign an acknowledged one',
  request: { params: AlertParams, body: { ...json(AcknowledgeAlertInput), required: false } },
  responses: { 200: jsonContent(Alert, 'The alert, acknowledged'), ...problemResponses(404, 409, 422) },
});

const resolveRoute = createRoute({
  method: 'post',
  path: '/api/alerts/{id}/resolve',
  'x-permission': 'alerts:act',
  tags,
  summary: 'Resolve an open or acknowledged alert by hand, with a reason',
  request: { params: AlertParams, body: json(ResolveAlertInput) },
  responses: { 200: jsonContent(Alert, 'The alert, resolved'), ...problemResponses(404, 409, 422) },
});

const actionRoute = createRoute({
  method: 'post',
  path: '/api/alerts/{id}/actions',
  'x-permission': 'alerts:remedy',
  tags,
  summary:
    "Apply one of the alert's remedies (hold, release_hold, reroute, upgrade_service, propose_restock) to some of the orders or SKUs it lists; each subject's outcome is answered and recorded as history `action`",
  request: { params: AlertParams, body: json(AlertActionInput) },
  responses: { 200: jsonContent(AlertActionResult, 'What was done, and what was refused and why, per subject'), ...problemResponses(403, 404, 409, 422) },
});

const rulesRoute = createRoute({
  method: 'get',
  path: '/api/alert-rules',
  'x-permission': 'alerts:read',
  tags,
  summary: 'Every alert rule with its thresholds, severity and last round',
  responses: { 200: jsonContent(z.object({ items: z.array(AlertRuleView) }), 'The rules') },
});

const patchRuleRoute = createRoute({
  method: 'patch',
  path: '/api/alert-rules/{rule}',
  'x-permission': 'alerts:manage',
  tags,
  summary: "Turn a rule on or off, set its severity, or change some of its thresholds (validated by the rule's schema)",
  request: { params: z.object({ rule: z.string().min(1).max(64) }), body: json(AlertRulePatch) },
  responses: { 200: jsonContent(AlertRuleView, 'The rule after the change'), ...problemResponses(404, 422) },
});

export interface AlertRoutesDeps extends RouteDeps {
  /** Where acknowledgements and resolutions are announced (socket.io in a running Tower). */
  publishAlert?: AlertPublisher | undefined;
  /** For the time-to-acknowledge and time-to-resolve histograms. */
  metrics?: { registry: Registry } | undefined;
  alertRules?: readonly AlertRule[] | undefined;
}

export function alertsRoutes(deps: AlertRoutesDeps) {
  const rules = deps.alertRules ?? allRules;
  const commands: AlertCommandContext = {
    db: deps.db,
    clock: deps.clock,
    publish: deps.publishAlert ?? silentPublisher,
    metrics: deps.metrics ? alertMetrics(deps.metrics.registry) : null,
  };
  const ruleOf = (key: string) => {
    const rule = findRule(key, rules);
    if (!rule) throw new NotFoundError(`Alert rule ${key}`);
    return rule;
  };
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listAlerts(deps.db, c.var.actor, c.req.valid('query')), 200))
    .openapi(statsRoute, async (c) => c.json(await alertStats(deps.db, c.var.actor, c.req.valid('query'), deps.clock.now()), 200))
    .openapi(getRoute, async (c) => c.json(await findAlert(deps.db, c.var.actor, c.req.valid('param').id), 200))
    .openapi(acknowledgeRoute, async (c) => {
      // The body is optional: without one, the acknowledging user takes the alert.
      const body = (c.req.valid('json') as AcknowledgeAlertInput | undefined) ?? {};
      return c.json(await acknowledgeAlert(commands, c.var.actor, c.req.valid('param').id, body), 200);
    })
    .openapi(resolveRoute, async (c) => c.json(await resolveAlert(commands, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(actionRoute, async (c) => c.json(await actOnAlert({ ...deps, publish: commands.publish }, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(rulesRoute, async (c) => c.json({ items: await listAlertRules(deps.db, rules) }, 200))
    .openapi(patchRuleRoute, async (c) => c.json(await updateAlertRule(deps, c.var.actor, ruleOf(c.req.valid('param').rule), c.req.valid('json')), 200));
}

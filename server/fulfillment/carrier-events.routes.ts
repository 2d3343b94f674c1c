import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '#server/core/errors.ts';
import { problemResponse } from '#server/http/problem.ts';
import { createRouter, type AppEnv, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { problemFromUnknown } from '#server/http/problem.ts';
import { applyCarrierEvent } from './apply-carrier-event.ts';
import { applyCarrierEvents, type CarrierBatchOutcome } from './apply-carrier-events.ts';
import { CarrierEventBatchInput, CarrierEventBatchResult, CarrierEventInput, CarrierEventResult, CarrierParams, MAX_CARRIER_BATCH } from './carrier-events.schemas.ts';
import { carrierSecret, verifyCarrierSignature, type CarrierWebhookSecrets } from './carrier-signature.ts';

export const SIGNATURE_HEADER = 'x-tower-signature';

/**
 * Checks the body's signature before anything reads it as JSON: `x-tower-signature:
 * sha256=<hex>`, the HMAC-SHA256 of the raw body with the carrier's key. Without a key
 * configured for the carrier, the endpoint is closed (503) rather than open to anyone.
 */
function verifySignature(secrets: CarrierWebhookSecrets | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const carrier = c.req.param('carrier') ?? '';
    const secret = carrierSecret(secrets, carrier);
    if (!secret) {
      return problemResponse(c, {
        type: 'unavailable',
        title: 'Carrier webhooks are not configured',
        status: 503,
        detail: `No webhook secret is configured for carrier ${carrier}: set CARRIER_WEBHOOK_SECRET or CARRIER_WEBHOOK_SECRETS`,
      });
    }
    // Cached by Hono: the JSON validator parses this same text afterwards.
    const raw = await c.req.text();
    if (!verifyCarrierSignature(secret, raw, c.req.header(SIGNATURE_HEADER))) {
      throw new UnauthorizedError(`The ${SIGNATURE_HEADER} header is missing or is not sha256=<HMAC-SHA256 of the body with this carrier's secret>`);
    }
    return next();
  };
}

export function carrierEventsRoutes(deps: RouteDeps & { carrierWebhooks?: CarrierWebhookSecrets | undefined }) {
  const route = createRoute({
    method: 'post',
    path: '/api/carriers/{carrier}/events',
    'x-permission': 'public',
    tags: ['fulfillment'],
    summary: `A carrier's tracking event, signed with ${SIGNATURE_HEADER}: sha256=<HMAC-SHA256 of the raw body>`,
    middleware: [verifySignature(deps.carrierWebhooks)],
    request: { params: CarrierParams, body: { content: { 'application/json': { schema: CarrierEventInput } }, required: true } },
    responses: { 200: jsonContent(CarrierEventResult, 'Recorded (or acknowledged as a duplicate)'), ...problemResponses(401, 404, 422, 503) },
  });
  const batchRoute = createRoute({
    method: 'post',
    path: '/api/carriers/{carrier}/events/batch',
    'x-permission': 'public',
    tags: ['fulfillment'],
    summary: `Many tracking events of a carrier in one delivery, signed like the single webhook (${SIGNATURE_HEADER} over the raw body)`,
    description: [
      `Up to ${MAX_CARRIER_BATCH} events, each exactly the body of \`POST /api/carriers/{carrier}/events\`, each applied on its own as that webhook`,
      'would apply it (recorded once per eventId, an older scan recorded but not applied): an unknown package or a malformed event is',
      'answered in its own result (404, 422 with paths starting `events.<index>.`) and never blocks the others. Events of one package are',
      'applied in the order sent.',
    ].join(' '),
    middleware: [verifySignature(deps.carrierWebhooks)],
    request: { params: CarrierParams, body: { content: { 'application/json': { schema: CarrierEventBatchInput } }, required: true } },
    responses: { 200: jsonContent(CarrierEventBatchResult, 'The outcome of every event, in request order'), ...problemResponses(401, 413, 422, 503) },
  });
  return createRouter()
    .openapi(route, async (c) => c.json(await applyCarrierEvent(deps, c.req.valid('param').carrier, c.req.valid('json')), 200))
    .openapi(batchRoute, async (c) => {
      const outcomes = await applyCarrierEvents(deps, c.req.valid('param').carrier, c.req.valid('json').events);
      const results = outcomes.map(batchResultOf);
      const summary = { events: results.length, applied: 0, duplicates: 0, failed: 0 };
      for (const r of results) {
        if (!r.result) summary.failed += 1;
        else if (r.result.duplicate) summary.duplicates += 1;
        else if (r.result.applied) summary.applied += 1;
      }
      return c.json({ summary, results }, 200);
    });
}

function batchResultOf(outcome: CarrierBatchOutcome) {
  const { index, eventId } = outcome;
  if ('result' in outcome) return { index, eventId, status: 200, result: outcome.result };
  const problem = problemFromUnknown(outcome.error);
  const errors = problem.errors?.map((e) => ({ ...e, path: `events.${index}.${e.path}` }));
  return { index, eventId, status: problem.status, problem: { type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, ...(errors ? { errors } : {}) } };
}

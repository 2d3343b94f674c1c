import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '#server/core/errors.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { authorizeReturn } from './authorize-return.ts';
import { cancelReturn, rejectReturn } from './close-return.ts';
import { exchangeReturn } from './exchange-return.ts';
import { receiveReturn } from './receive-return.ts';
import { assertOrderOwner, requestCustomerReturn, requestReturn } from './request-return.ts';
import { resolveReturn } from './resolve-return.ts';
import { customerReturnLabel, returnLabel } from './return-label.ts';
import { findReturn, searchReturns } from './return-queries.ts';
import {
  CustomerReturnInput,
  ReceiveReturnInput,
  RequestReturnInput,
  ResolveReturnInput,
  Return,
  ReturnPolicy,
  ReturnPolicyInput,
  ReturnReasonInput,
  ReturnSearchQuery,
  TrackQuery,
} from './returns.schemas.ts';
import { listReturnPolicies, setReturnPolicy } from './set-return-policy.ts';

const tags = ['returns'];
const ReturnParams = z.object({ id: z.string().min(1).max(100).openapi({ description: 'return id or RMA number' }) });
/** Optional here: a retried request with the same key returns the RMA instead of acting twice. */
const headers = z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const requestRoute = createRoute({
  method: 'post',
  path: '/api/returns',
  'x-permission': 'returns:manage',
  tags,
  summary: 'Open an RMA for delivered units of an order (staff)',
  request: { headers, body: json(RequestReturnInput) },
  responses: { 201: jsonContent(Return, 'The RMA, requested'), ...problemResponses(404, 409, 422) },
});

const customerRequestRoute = createRoute({
  method: 'post',
  path: '/api/track/{number}/returns',
  'x-permission': 'public',
  tags,
  summary: "Open an RMA from the tracking page; the email must be the order's (else 404 like an unknown number)",
  request: { headers, params: z.object({ number: z.string().min(1).max(100) }), query: TrackQuery, body: json(CustomerReturnInput) },
  responses: { 201: jsonContent(Return, 'The RMA, requested'), ...problemResponses(404, 409, 422) },
});

const customerListRoute = createRoute({
  method: 'get',
  path: '/api/track/{number}/returns',
  'x-permission': 'public',
  tags,
  summary: "The order's RMAs for the tracking page; the email must be the order's (else 404 like an unknown number)",
  request: { params: z.object({ number: z.string().min(1).max(100) }), query: TrackQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Return) }), 'The RMAs, newest first'), ...problemResponses(404) },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/returns',
  'x-permission': 'returns:read',
  tags,
  summary: 'RMAs, newest first',
  request: { query: ReturnSearchQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Return) }), 'The RMAs'), ...problemResponses(422) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/returns/{id}',
  'x-permission': 'returns:read',
  tags,
  summary: 'An RMA with its lines, dispositions and resolution',
  request: { params: ReturnParams },
  responses: { 200: jsonContent(Return, 'The RMA'), ...problemResponses(404) },
});

function transitionRoute(action: 'authorize' | 'reject' | 'cancel', summary: string) {
  return createRoute({
    method: 'post',
    path: `/api/returns/{id}/${action}`,
    'x-permission': 'returns:manage',
    tags,
    summary,
    request: { params: ReturnParams, body: { content: { 'application/json': { schema: ReturnReasonInput } }, required: false } },
    responses: { 200: jsonContent(Return, 'The RMA after the change'), ...problemResponses(404, 409, 422) },
  });
}

const receiveRoute = createRoute({
  method: 'post',
  path: '/api/returns/{id}/receive',
  'x-permission': 'returns:manage',
  tags,
  summary: 'Receive and inspect returned units at a location: disposition per unit; restocked units go back on hand',
  request: { headers, params: ReturnParams, body: json(ReceiveReturnInput) },
  responses: { 200: jsonContent(Return, 'The RMA after the receipt'), ...problemResponses(404, 409, 422) },
});

const resolveRoute = createRoute({
  method: 'post',
  path: '/api/returns/{id}/resolve',
  'x-permission': 'returns:manage',
  tags,
  summary: 'Settle an RMA: refund to the original payment, store credit, or an exchange order',
  request: { headers, params: ReturnParams, body: json(ResolveReturnInput) },
  responses: { 200: jsonContent(Return, 'The resolved RMA'), ...problemResponses(402, 404, 409, 422, 503) },
});

const labelRoute = createRoute({
  method: 'get',
  path: '/api/returns/{id}/label',
  'x-permission': 'returns:read',
  tags,
  summary: 'The 4×6 return label of an RMA (PDF; the barcode carries the RMA number)',
  request: { params: ReturnParams },
  responses: {
    200: { description: 'The label', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...problemResponses(404, 409, 422),
  },
});

const customerLabelRoute = createRoute({
  method: 'get',
  path: '/api/track/{number}/returns/{rma}/label',
  'x-permission': 'public',
  tags,
  summary: "The customer's return label from the tracking page; the email must be the order's (else 404)",
  request: { params: z.object({ number: z.string().min(1).max(100), rma: z.string().min(1).max(100) }), query: TrackQuery },
  responses: {
    200: { description: 'The label', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...problemResponses(404, 409, 422),
  },
});

const listPoliciesRoute = createRoute({
  method: 'get',
  path: '/api/return-policies',
  'x-permission': 'returns:read',
  tags,
  summary: 'Return windows per category (`*` is the default for the others; 30 days without it)',
  responses: { 200: jsonContent(z.array(ReturnPolicy), 'The policies') },
});

const setPolicyRoute = createRoute({
  method: 'put',
  path: '/api/return-policies/{category}',
  'x-permission': 'returns:configure',
  tags,
  summary: 'Set the return window of a category (`*`: every category without its own)',
  request: { params: z.object({ category: z.string().trim().min(1).max(100) }), body: json(ReturnPolicyInput) },
  responses: { 200: jsonContent(ReturnPolicy, 'The policy'), ...problemResponses(422) },
});

export function returnsRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(requestRoute, async (c) => {
      const { order, ...rest } = c.req.valid('json');
      const rma = await requestReturn(deps, { ...rest, order, requestedBy: 'staff' }, { idempotencyKey: c.req.valid('header')['idempotency-key'] });
      c.set('auditTarget', { type: 'returns', id: rma.id });
      return c.json(rma, 201);
    })
    .openapi(customerRequestRoute, async (c) => {
      const key = { idempotencyKey: c.req.valid('header')['idempotency-key'] };
      const rma = await requestCustomerReturn(deps, c.req.valid('param').number, c.req.valid('query').email, c.req.valid('json'), key);
      c.set('auditTarget', { type: 'returns', id: rma.id });
      return c.json(rma, 201);
    })
    .openapi(customerListRoute, async (c) => {
      const number = c.req.valid('param').number;
      await assertOrderOwner(deps, number, c.req.valid('query').email);
      return c.json({ items: await searchReturns(deps.db, { order: number, limit: 50 }) }, 200);
    })
    .openapi(listRoute, async (c) => c.json({ items: await searchReturns(deps.db, c.req.valid('query')) }, 200))
    .openapi(getRoute, async (c) => {
      const rma = await findReturn(deps.db, c.req.valid('param').id);
      if (!rma) throw new NotFoundError(`Return ${c.req.valid('param').id}`);
      return c.json(rma, 200);
    })
    .openapi(transitionRoute('authorize', 'Authorize a requested RMA'), async (c) => c.json(await authorizeReturn(deps, c.req.valid('param').id), 200))
    .openapi(transitionRoute('reject', 'Reject an RMA before anything came back'), async (c) =>
      c.json(await rejectReturn(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(transitionRoute('cancel', 'Cancel an RMA before anything came back'), async (c) =>
      c.json(await cancelReturn(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(receiveRoute, async (c) =>
      c.json(
        await receiveReturn(deps, c.req.valid('param').id, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'], actor: c.var.actor }),
        200,
      ),
    )
    .openapi(resolveRoute, async (c) => {
      const input = c.req.valid('json');
      const id = c.req.valid('param').id;
      const idempotencyKey = c.req.valid('header')['idempotency-key'];
      return c.json(input.kind === 'exchange' ? await exchangeReturn(deps, id, input, { idempotencyKey }) : await resolveReturn(deps, id, input, { idempotencyKey }), 200);
    })
    .openapi(labelRoute, async (c) => {
      const pdf = await returnLabel(deps, c.req.valid('param').id);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf' });
    })
    .openapi(customerLabelRoute, async (c) => {
      const { number, rma } = c.req.valid('param');
      const pdf = await customerReturnLabel(deps, number, rma, c.req.valid('query').email);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf' });
    })
    .openapi(listPoliciesRoute, async (c) => c.json(await listReturnPolicies(deps), 200))
    .openapi(setPolicyRoute, async (c) => c.json(await setReturnPolicy(deps, c.req.valid('param').category, c.req.valid('json').windowDays), 200));
}

import { createRoute, z } from '@hono/zod-openapi';
import { requireChannel } from '#server/auth/scopes.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { requestAudit } from '#server/http/audit-mutations.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { cancelOrder } from './cancel-order.ts';
import { findSourcingDecision } from './find-sourcing-decision.ts';
import { holdOrder, releaseOrder } from './hold-order.ts';
import { findOrder, searchOrders } from './order-queries.ts';
import { Order, OrderPage, OrderSearchQuery, PlaceOrderInput, ReasonInput, UpgradeServiceInput, UpgradeServiceResult } from './order.schemas.ts';
import { upgradeService } from './upgrade-service.ts';
import { placeOrder } from './place-order.ts';

const OrderParams = z.object({ id: z.string().min(1).max(100).openapi({ description: 'order id or number' }) });

const placeOrderRoute = createRoute({
  method: 'post',
  path: '/api/orders',
  'x-permission': 'orders:create',
  tags: ['orders'],
  summary: 'Place an order',
  request: {
    headers: z.object({ 'idempotency-key': IdempotencyKeyHeader }),
    body: { content: { 'application/json': { schema: PlaceOrderInput } }, required: true },
  },
  responses: {
    201: jsonContent(Order, 'The order was placed'),
    200: jsonContent(Order, 'A repeat of an earlier request: the order it placed'),
    ...problemResponses(400, 402, 409, 413, 422, 503),
  },
});

const listOrdersRoute = createRoute({
  method: 'get',
  path: '/api/orders',
  'x-permission': 'orders:read',
  tags: ['orders'],
  summary: 'Search orders, newest first',
  request: { query: OrderSearchQuery },
  responses: { 200: jsonContent(OrderPage, 'One page of orders'), ...problemResponses(422) },
});

const getOrderRoute = createRoute({
  method: 'get',
  path: '/api/orders/{id}',
  'x-permission': 'orders:read',
  tags: ['orders'],
  summary: 'An order with its lines, payment and timeline',
  request: { params: OrderParams },
  responses: { 200: jsonContent(Order, 'The order'), ...problemResponses(404) },
});

const SourcingDecisionView = z
  .object({
    orderId: z.string(),
    number: z.string(),
    decidedAt: z.string(),
    strategy: z.string().openapi({ description: 'single, split, greedy, pickup, …' }),
    totalCostCents: z.number().int(),
    decision: z.record(z.string(), z.unknown()).openapi({ description: 'shipments, costs, promised dates and the log of every candidate location' }),
  })
  .openapi('SourcingDecision');

const getSourcingRoute = createRoute({
  method: 'get',
  path: '/api/orders/{id}/sourcing',
  'x-permission': 'orders:read',
  tags: ['orders'],
  summary: 'Why the order ships from where it does: the sourcing decision with every candidate location',
  request: { params: OrderParams },
  responses: { 200: jsonContent(SourcingDecisionView, 'The decision'), ...problemResponses(404) },
});

function transitionRoute(action: 'cancel' | 'hold' | 'release', summary: string) {
  return createRoute({
    method: 'post',
    path: `/api/orders/{id}/${action}`,
    'x-permission': 'orders:manage',
    tags: ['orders'],
    summary,
    request: {
      params: OrderParams,
      body: { content: { 'application/json': { schema: ReasonInput } }, required: false },
    },
    responses: { 200: jsonContent(Order, 'The order after the change'), ...problemResponses(404, 409, 422, 503) },
  });
}

const upgradeServiceRoute = createRoute({
  method: 'post',
  path: '/api/orders/{id}/upgrade-service',
  'x-permission': 'orders:upgrade_service',
  tags: ['orders'],
  summary: "Move an order to a faster delivery service at Tower's cost: its unpacked shipments get the faster carrier and a new promise (order.service_upgraded)",
  request: { params: OrderParams, body: { content: { 'application/json': { schema: UpgradeServiceInput } }, required: false } },
  responses: { 200: jsonContent(UpgradeServiceResult, 'The service before and after, and the re-promised shipments'), ...problemResponses(404, 409, 422) },
});

export function ordersRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(placeOrderRoute, async (c) => {
      const input = c.req.valid('json');
      requireChannel(c.var.actor, input.channel);
      const { order, created } = await placeOrder(deps, input, { idempotencyKey: c.req.valid('header')['idempotency-key'], audit: requestAudit(c) });
      c.set('audited', created);
      c.set('auditTarget', { type: 'orders', id: order.id });
      return c.json(order, created ? 201 : 200);
    })
    .openapi(listOrdersRoute, async (c) => c.json(await searchOrders(deps.db, c.req.valid('query')), 200))
    .openapi(getOrderRoute, async (c) => {
      const order = await findOrder(deps.db, c.req.valid('param').id);
      if (!order) throw new NotFoundError(`Order ${c.req.valid('param').id}`);
      return c.json(order, 200);
    })
    .openapi(getSourcingRoute, async (c) => {
      const decision = await findSourcingDecision(deps.db, c.req.valid('param').id);
      if (!decision) throw new NotFoundError(`A sourcing decision for order ${c.req.valid('param').id}`);
      return c.json(decision, 200);
    })
    .openapi(transitionRoute('cancel', 'Cancel an order, releasing stock and voiding payment'), async (c) =>
      c.json(await cancelOrder(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(transitionRoute('hold', 'Put an order on hold'), async (c) =>
      c.json(await holdOrder(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(transitionRoute('release', 'Release a held order to its previous status'), async (c) =>
      c.json(await releaseOrder(deps, c.req.valid('param').id), 200),
    )
    .openapi(upgradeServiceRoute, async (c) => {
      const input = UpgradeServiceInput.parse(c.req.valid('json') ?? {});
      return c.json(await upgradeService(deps, c.var.actor, c.req.valid('param').id, input), 200);
    });
}

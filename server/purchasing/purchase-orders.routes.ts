import { createRoute, z } from '@hono/zod-openapi';
import type { Actor } from '#server/auth/actor.ts';
import { requireLocation } from '#server/auth/scopes.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { inboundBySkuLocation } from './inbound-queries.ts';
import { createPurchaseOrder } from './insert-purchase-order.ts';
import { getPurchaseOrder, searchPurchaseOrders } from './purchase-order-queries.ts';
import { receivePurchaseOrder } from './receive-purchase-order.ts';
import { cancelPurchaseOrder, closePurchaseOrder, submitPurchaseOrder } from './transition-purchase-order.ts';
import { updatePurchaseOrder } from './update-purchase-order.ts';
import {
  CreatePurchaseOrderInput,
  InboundQuery,
  InboundRow,
  PurchaseOrder,
  PurchaseOrderQuery,
  PurchaseOrderReceipt,
  ReceiptInput,
  UpdatePurchaseOrderInput,
} from './purchasing.schemas.ts';

const tags = ['purchasing'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const Params = z.object({ id: z.string().min(1).max(100).openapi({ description: 'purchase order id or number (PO-000001)' }) });
const headers = z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() });
const ReasonInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).openapi('PurchasingReasonInput');

/** Who raised a document, for its `createdBy`. */
export function creatorOf(actor: Actor | null) {
  return actor ? { id: actor.id, label: actor.label } : null;
}

const createPoRoute = createRoute({
  method: 'post',
  path: '/api/purchase-orders',
  'x-permission': 'purchasing:write',
  tags,
  summary: "Raise a purchase order (a draft, or submitted at once); costs default to the supplier's",
  request: { headers, body: json(CreatePurchaseOrderInput) },
  responses: {
    201: jsonContent(PurchaseOrder, 'The purchase order'),
    200: jsonContent(PurchaseOrder, 'A repeat of an earlier request with the same Idempotency-Key'),
    ...problemResponses(409, 422),
  },
});

const listPoRoute = createRoute({
  method: 'get',
  path: '/api/purchase-orders',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'Purchase orders, newest first',
  request: { query: PurchaseOrderQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(PurchaseOrder), nextCursor: z.string().nullable() }), 'One page of purchase orders'), ...problemResponses(422) },
});

const getPoRoute = createRoute({
  method: 'get',
  path: '/api/purchase-orders/{id}',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'A purchase order with its lines and receipts',
  request: { params: Params },
  responses: { 200: jsonContent(PurchaseOrder, 'The purchase order'), ...problemResponses(404) },
});

const updatePoRoute = createRoute({
  method: 'patch',
  path: '/api/purchase-orders/{id}',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Edit a draft purchase order (ship-to, lines, expected date, note)',
  request: { params: Params, body: json(UpdatePurchaseOrderInput) },
  responses: { 200: jsonContent(PurchaseOrder, 'The purchase order after the change'), ...problemResponses(404, 409, 422) },
});

function transitionRoute(action: 'submit' | 'cancel' | 'close', summary: string) {
  return createRoute({
    method: 'post',
    path: `/api/purchase-orders/{id}/${action}`,
    'x-permission': 'purchasing:write',
    tags,
    summary,
    request: { params: Params, body: { content: { 'application/json': { schema: ReasonInput } }, required: false } },
    responses: { 200: jsonContent(PurchaseOrder, 'The purchase order after the change'), ...problemResponses(404, 409, 422) },
  });
}

const receivePoRoute = createRoute({
  method: 'post',
  path: '/api/purchase-orders/{id}/receive',
  'x-permission': 'purchasing:receive',
  tags,
  summary: 'Receive units of a purchase order at its ship-to location (staff: at their locations only)',
  request: { headers, params: Params, body: json(ReceiptInput) },
  responses: { 200: jsonContent(PurchaseOrderReceipt, 'The purchase order after the receipt'), ...problemResponses(404, 409, 422) },
});

const inboundRoute = createRoute({
  method: 'get',
  path: '/api/inventory/inbound',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'Units on order, in transit and requested per SKU × location',
  request: { query: InboundQuery },
  responses: { 200: jsonContent(z.array(InboundRow), 'Inbound per SKU × location'), ...problemResponses(422) },
});

export function purchaseOrdersRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(createPoRoute, async (c) => {
      const { order, replayed } = await createPurchaseOrder(
        deps,
        { ...c.req.valid('json'), createdBy: creatorOf(c.var.actor) },
        { idempotencyKey: c.req.valid('header')['idempotency-key'] },
      );
      c.set('auditTarget', { type: 'purchase-orders', id: order.id });
      return c.json(order, replayed ? 200 : 201);
    })
    .openapi(listPoRoute, async (c) => c.json(await searchPurchaseOrders(deps.db, c.req.valid('query')), 200))
    .openapi(getPoRoute, async (c) => c.json(await getPurchaseOrder(deps.db, c.req.valid('param').id), 200))
    .openapi(updatePoRoute, async (c) => {
      const input = c.req.valid('json');
      if (input.locationId) requireLocation(c.var.actor, input.locationId);
      return c.json(await updatePurchaseOrder(deps, c.req.valid('param').id, input), 200);
    })
    .openapi(transitionRoute('submit', 'Send a draft to the supplier; due its lead time after today unless dated'), async (c) =>
      c.json(await submitPurchaseOrder(deps, c.req.valid('param').id), 200),
    )
    .openapi(transitionRoute('cancel', 'Cancel a draft or submitted purchase order nothing arrived on'), async (c) =>
      c.json(await cancelPurchaseOrder(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(transitionRoute('close', 'Close a (partially) received purchase order: nothing more is expected'), async (c) =>
      c.json(await closePurchaseOrder(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
    )
    .openapi(receivePoRoute, async (c) =>
      c.json(
        await receivePurchaseOrder(deps, c.req.valid('param').id, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'], actor: c.var.actor }),
        200,
      ),
    )
    .openapi(inboundRoute, async (c) => c.json(await inboundBySkuLocation(deps.db, c.req.valid('query')), 200));
}

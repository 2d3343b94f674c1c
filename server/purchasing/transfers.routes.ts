import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createTransfer } from './insert-transfer.ts';
import { cancelTransfer, receiveTransfer, shipTransfer } from './move-transfer.ts';
import { creatorOf } from './purchase-orders.routes.ts';
import { CreateTransferInput, ReceiptInput, ShipTransferInput, Transfer, TransferMovement, TransferQuery } from './purchasing.schemas.ts';
import { getTransfer, searchTransfers } from './transfer-queries.ts';

const tags = ['purchasing'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const Params = z.object({ id: z.string().min(1).max(100).openapi({ description: 'transfer id or number (TR-000001)' }) });
const headers = z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() });

const createRouteDef = createRoute({
  method: 'post',
  path: '/api/transfers',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Request a transfer of stock between two locations',
  request: { headers, body: json(CreateTransferInput) },
  responses: {
    201: jsonContent(Transfer, 'The transfer, requested'),
    200: jsonContent(Transfer, 'A repeat of an earlier request with the same Idempotency-Key'),
    ...problemResponses(422),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/transfers',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'Transfers, newest first',
  request: { query: TransferQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Transfer), nextCursor: z.string().nullable() }), 'One page of transfers'), ...problemResponses(422) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/transfers/{id}',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'A transfer with its lines',
  request: { params: Params },
  responses: { 200: jsonContent(Transfer, 'The transfer'), ...problemResponses(404) },
});

const shipRoute = createRoute({
  method: 'post',
  path: '/api/transfers/{id}/ship',
  'x-permission': 'purchasing:receive',
  tags,
  summary: 'Ship a transfer out of its source (staff: at their locations only); never below reserved stock',
  request: { headers, params: Params, body: { content: { 'application/json': { schema: ShipTransferInput } }, required: false } },
  responses: { 200: jsonContent(Transfer, 'The transfer, shipped'), ...problemResponses(404, 409, 422) },
});

const receiveRoute = createRoute({
  method: 'post',
  path: '/api/transfers/{id}/receive',
  'x-permission': 'purchasing:receive',
  tags,
  summary: 'Receive shipped units at the destination (staff: at their locations only)',
  request: { headers, params: Params, body: json(ReceiptInput) },
  responses: { 200: jsonContent(TransferMovement, 'The transfer after the receipt'), ...problemResponses(404, 409, 422) },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/api/transfers/{id}/cancel',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Cancel a transfer that has not shipped',
  request: {
    params: Params,
    body: { content: { 'application/json': { schema: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }) } }, required: false },
  },
  responses: { 200: jsonContent(Transfer, 'The transfer, cancelled'), ...problemResponses(404, 409, 422) },
});

export function transfersRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(createRouteDef, async (c) => {
      const { transfer, replayed } = await createTransfer(
        deps,
        { ...c.req.valid('json'), createdBy: creatorOf(c.var.actor) },
        { idempotencyKey: c.req.valid('header')['idempotency-key'] },
      );
      c.set('auditTarget', { type: 'transfers', id: transfer.id });
      return c.json(transfer, replayed ? 200 : 201);
    })
    .openapi(listRoute, async (c) => c.json(await searchTransfers(deps.db, c.req.valid('query')), 200))
    .openapi(getRoute, async (c) => c.json(await getTransfer(deps.db, c.req.valid('param').id), 200))
    .openapi(shipRoute, async (c) =>
      c.json(
        await shipTransfer(deps, c.req.valid('param').id, c.req.valid('json') ?? {}, { idempotencyKey: c.req.valid('header')['idempotency-key'], actor: c.var.actor }),
        200,
      ),
    )
    .openapi(receiveRoute, async (c) =>
      c.json(
        await receiveTransfer(deps, c.req.valid('param').id, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'], actor: c.var.actor }),
        200,
      ),
    )
    .openapi(cancelRoute, async (c) => c.json(await cancelTransfer(deps, c.req.valid('param').id, c.req.valid('json') ?? {}), 200));
}

import { createRoute, z } from '@hono/zod-openapi';
import { requireLocation } from '#server/auth/scopes.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { adjustInventory, setBin, setSafetyStock } from './adjust-inventory.ts';
import { listInventory, listLedger, networkAvailability } from './inventory-queries.ts';
import { BinInput, InventoryAdjustment, InventoryAdjustmentInput, InventoryLevel, InventoryQuery, LedgerEntry, NetworkAvailability, SafetyStockInput } from './inventory.schemas.ts';

const adjustRoute = createRoute({
  method: 'post',
  path: '/api/inventory/adjustments',
  'x-permission': 'inventory:adjust',
  tags: ['inventory'],
  summary: 'Adjust on-hand stock at a location (receipt, count, damage, …)',
  request: {
    headers: z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() }),
    body: { content: { 'application/json': { schema: InventoryAdjustmentInput } }, required: true },
  },
  responses: {
    201: jsonContent(InventoryAdjustment, 'The adjustment was recorded'),
    200: jsonContent(InventoryAdjustment, 'A repeat of an earlier adjustment with the same Idempotency-Key'),
    ...problemResponses(413, 422),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/inventory',
  'x-permission': 'inventory:read',
  tags: ['inventory'],
  summary: 'Stock per SKU × location',
  request: { query: InventoryQuery },
  responses: { 200: jsonContent(z.array(InventoryLevel), 'Inventory levels'), ...problemResponses(422) },
});

const atpRoute = createRoute({
  method: 'get',
  path: '/api/inventory/availability/{sku}',
  'x-permission': 'inventory:read',
  tags: ['inventory'],
  summary: 'Network-wide available-to-promise for a SKU',
  request: { params: z.object({ sku: z.string().min(1).max(64) }) },
  responses: { 200: jsonContent(NetworkAvailability, 'Availability across all locations') },
});

const ledgerRoute = createRoute({
  method: 'get',
  path: '/api/inventory/ledger',
  'x-permission': 'inventory:read',
  tags: ['inventory'],
  summary: 'Stock movements of a SKU, newest first',
  request: {
    query: z.strictObject({
      sku: z.string().min(1).max(64),
      locationId: z.uuid().optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: { 200: jsonContent(z.array(LedgerEntry), 'Ledger entries'), ...problemResponses(422) },
});

const safetyStockRoute = createRoute({
  method: 'put',
  path: '/api/inventory/levels/{sku}/{locationId}/safety-stock',
  'x-permission': 'inventory:adjust',
  tags: ['inventory'],
  summary: 'Set the units held back from orders at a location',
  request: {
    params: z.object({ sku: z.string().min(1).max(64), locationId: z.uuid() }),
    body: { content: { 'application/json': { schema: SafetyStockInput } }, required: true },
  },
  responses: { 200: jsonContent(InventoryLevel, 'The level after the change'), ...problemResponses(422) },
});

const binRoute = createRoute({
  method: 'put',
  path: '/api/inventory/levels/{sku}/{locationId}/bin',
  'x-permission': 'inventory:adjust',
  tags: ['inventory'],
  summary: 'Record where a SKU sits at a location (pick lists walk in bin order)',
  request: {
    params: z.object({ sku: z.string().min(1).max(64), locationId: z.uuid() }),
    body: { content: { 'application/json': { schema: BinInput } }, required: true },
  },
  responses: { 200: jsonContent(InventoryLevel, 'The level after the change'), ...problemResponses(422) },
});

export function inventoryRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(adjustRoute, async (c) => {
      requireLocation(c.var.actor, c.req.valid('json').locationId);
      const { replayed, ...adjustment } = await adjustInventory(deps, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'] });
      return c.json(adjustment, replayed ? 200 : 201);
    })
    .openapi(listRoute, async (c) => c.json(await listInventory(deps.db, c.req.valid('query')), 200))
    .openapi(atpRoute, async (c) => c.json(await networkAvailability(deps.db, c.req.valid('param').sku), 200))
    .openapi(ledgerRoute, async (c) => c.json(await listLedger(deps.db, c.req.valid('query')), 200))
    .openapi(safetyStockRoute, async (c) => {
      const { sku, locationId } = c.req.valid('param');
      requireLocation(c.var.actor, locationId);
      return c.json(await setSafetyStock(deps, sku, locationId, c.req.valid('json').safetyStock), 200);
    })
    .openapi(binRoute, async (c) => {
      const { sku, locationId } = c.req.valid('param');
      requireLocation(c.var.actor, locationId);
      return c.json(await setBin(deps, sku, locationId, c.req.valid('json').bin), 200);
    });
}

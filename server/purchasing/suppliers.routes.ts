import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '#server/core/errors.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createSupplier, setSupplierProduct, updateSupplier } from './supplier-commands.ts';
import { findSupplier, listSupplierProducts, listSuppliers } from './supplier-queries.ts';
import { listLanes, setLane } from './transfer-lanes.ts';
import {
  CreateSupplierInput,
  Lane,
  LaneInput,
  LaneQuery,
  Supplier,
  SupplierProduct,
  SupplierProductInput,
  SupplierQuery,
  UpdateSupplierInput,
} from './purchasing.schemas.ts';

const tags = ['purchasing'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const SupplierParams = z.object({ id: z.uuid('must be a supplier id') });

const createSupplierRoute = createRoute({
  method: 'post',
  path: '/api/suppliers',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Add a supplier',
  request: { body: json(CreateSupplierInput) },
  responses: { 201: jsonContent(Supplier, 'The supplier'), ...problemResponses(409, 422) },
});

const listSuppliersRoute = createRoute({
  method: 'get',
  path: '/api/suppliers',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'Suppliers by code',
  request: { query: SupplierQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Supplier), nextCursor: z.string().nullable() }), 'One page of suppliers'), ...problemResponses(422) },
});

const getSupplierRoute = createRoute({
  method: 'get',
  path: '/api/suppliers/{id}',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'A supplier',
  request: { params: SupplierParams },
  responses: { 200: jsonContent(Supplier, 'The supplier'), ...problemResponses(404, 422) },
});

const updateSupplierRoute = createRoute({
  method: 'patch',
  path: '/api/suppliers/{id}',
  'x-permission': 'purchasing:write',
  tags,
  summary: "Change a supplier's name, email, currency, lead time or activity",
  request: { params: SupplierParams, body: json(UpdateSupplierInput) },
  responses: { 200: jsonContent(Supplier, 'The supplier after the change'), ...problemResponses(404, 422) },
});

const setProductRoute = createRoute({
  method: 'put',
  path: '/api/suppliers/{id}/products/{sku}',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Set what the supplier sells of a SKU: cost, lead time, minimum order quantity, case pack, preference',
  request: { params: z.object({ id: z.uuid('must be a supplier id'), sku: z.string().min(1).max(64) }), body: json(SupplierProductInput) },
  responses: { 200: jsonContent(SupplierProduct, 'The terms'), ...problemResponses(404, 422) },
});

const listProductsRoute = createRoute({
  method: 'get',
  path: '/api/suppliers/{id}/products',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'What the supplier sells, by SKU',
  request: { params: SupplierParams },
  responses: { 200: jsonContent(z.object({ items: z.array(SupplierProduct) }), "The supplier's SKUs"), ...problemResponses(404, 422) },
});

const listLanesRoute = createRoute({
  method: 'get',
  path: '/api/transfer-lanes',
  'x-permission': 'purchasing:read',
  tags,
  summary: 'Lead time and cost of moving stock between locations (configured, and optionally the distance defaults)',
  request: { query: LaneQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Lane) }), 'The lanes'), ...problemResponses(422) },
});

const setLaneRoute = createRoute({
  method: 'put',
  path: '/api/transfer-lanes',
  'x-permission': 'purchasing:write',
  tags,
  summary: 'Set the lead time and cost of one lane (from → to)',
  request: { body: json(LaneInput) },
  responses: { 200: jsonContent(Lane, 'The lane'), ...problemResponses(422) },
});

export function suppliersRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(createSupplierRoute, async (c) => c.json(await createSupplier(deps, c.req.valid('json')), 201))
    .openapi(listSuppliersRoute, async (c) => c.json(await listSuppliers(deps.db, c.req.valid('query')), 200))
    .openapi(getSupplierRoute, async (c) => {
      const supplier = await findSupplier(deps.db, c.req.valid('param').id);
      if (!supplier) throw new NotFoundError(`Supplier ${c.req.valid('param').id}`);
      return c.json(supplier, 200);
    })
    .openapi(updateSupplierRoute, async (c) => c.json(await updateSupplier(deps, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(setProductRoute, async (c) => {
      const { id, sku } = c.req.valid('param');
      return c.json(await setSupplierProduct(deps, id, sku, c.req.valid('json')), 200);
    })
    .openapi(listProductsRoute, async (c) => {
      const id = c.req.valid('param').id;
      if (!(await findSupplier(deps.db, id))) throw new NotFoundError(`Supplier ${id}`);
      return c.json({ items: await listSupplierProducts(deps.db, id) }, 200);
    })
    .openapi(listLanesRoute, async (c) => c.json({ items: await listLanes(deps.db, c.req.valid('query')) }, 200))
    .openapi(setLaneRoute, async (c) => c.json(await setLane(deps, c.req.valid('json')), 200));
}

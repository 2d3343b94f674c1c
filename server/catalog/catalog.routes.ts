import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '#server/core/errors.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { findLocation, findProduct, listLocations, listProducts, listPromotions, listSalesChannels, listTaxRates } from './catalog-queries.ts';
import {
  CreateLocationInput,
  CreateProductInput,
  CreatePromotionInput,
  ListQuery,
  Location,
  Product,
  Promotion,
  SalesChannel,
  TaxRate,
  UpdateLocationInput,
  UpdateProductInput,
  UpdateSalesChannelInput,
} from './catalog.schemas.ts';
import { createLocation } from './create-location.ts';
import { createProduct } from './create-product.ts';
import { createPromotion } from './create-promotion.ts';
import { setTaxRate, updateSalesChannel } from './set-tax-rate.ts';
import { updateLocation } from './update-location.ts';
import { updateProduct } from './update-product.ts';

const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const SkuParam = z.object({ sku: z.string().min(1).max(64) });

const routes = {
  createProduct: createRoute({
    method: 'post', path: '/api/products', 'x-permission': 'catalog:write', tags: ['catalog'], summary: 'Add a product to the catalog',
    request: body(CreateProductInput),
    responses: { 201: jsonContent(Product, 'The product'), ...problemResponses(409, 413, 422) },
  }),
  listProducts: createRoute({
    method: 'get', path: '/api/products', 'x-permission': 'catalog:read', tags: ['catalog'], summary: 'Products by SKU',
    request: { query: ListQuery },
    responses: { 200: jsonContent(z.object({ items: z.array(Product), nextCursor: z.string().nullable() }), 'One page of products'), ...problemResponses(422) },
  }),
  getProduct: createRoute({
    method: 'get', path: '/api/products/{sku}', 'x-permission': 'catalog:read', tags: ['catalog'], summary: 'A product',
    request: { params: SkuParam },
    responses: { 200: jsonContent(Product, 'The product'), ...problemResponses(404) },
  }),
  updateProduct: createRoute({
    method: 'patch', path: '/api/products/{sku}', 'x-permission': 'catalog:write', tags: ['catalog'], summary: 'Change a product (price, name, active, …)',
    request: { params: SkuParam, ...body(UpdateProductInput) },
    responses: { 200: jsonContent(Product, 'The product after the change'), ...problemResponses(404, 422) },
  }),
  createLocation: createRoute({
    method: 'post', path: '/api/locations', 'x-permission': 'catalog:write', tags: ['catalog'], summary: 'Add a warehouse, store, drop-shipper or 3PL',
    request: body(CreateLocationInput),
    responses: { 201: jsonContent(Location, 'The location'), ...problemResponses(409, 413, 422) },
  }),
  listLocations: createRoute({
    method: 'get', path: '/api/locations', 'x-permission': 'catalog:read', tags: ['catalog'], summary: 'All locations',
    responses: { 200: jsonContent(z.array(Location), 'Locations') },
  }),
  getLocation: createRoute({
    method: 'get', path: '/api/locations/{id}', 'x-permission': 'catalog:read', tags: ['catalog'], summary: 'A location',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: jsonContent(Location, 'The location'), ...problemResponses(404) },
  }),
  updateLocation: createRoute({
    method: 'patch', path: '/api/locations/{id}', 'x-permission': 'catalog:write', tags: ['catalog'],
    summary: 'Change a location: capacity, costs, shipping or pickup eligibility, open or closed',
    request: { params: z.object({ id: z.uuid() }), ...body(UpdateLocationInput) },
    responses: { 200: jsonContent(Location, 'The location after the change'), ...problemResponses(404, 422) },
  }),
  createPromotion: createRoute({
    method: 'post', path: '/api/promotions', 'x-permission': 'catalog:write', tags: ['pricing'], summary: 'Add a promotion rule',
    request: body(CreatePromotionInput),
    responses: { 201: jsonContent(Promotion, 'The promotion'), ...problemResponses(409, 422) },
  }),
  listPromotions: createRoute({
    method: 'get', path: '/api/promotions', 'x-permission': 'catalog:read', tags: ['pricing'], summary: 'All promotion rules',
    responses: { 200: jsonContent(z.array(Promotion), 'Promotions') },
  }),
  listTaxRates: createRoute({
    method: 'get', path: '/api/tax-rates', 'x-permission': 'catalog:read', tags: ['pricing'], summary: 'Sales tax rates by country and region',
    responses: { 200: jsonContent(z.array(TaxRate), 'Tax rates') },
  }),
  setTaxRate: createRoute({
    method: 'put', path: '/api/tax-rates', 'x-permission': 'catalog:write', tags: ['pricing'], summary: 'Set the tax rate of a country or region',
    request: body(TaxRate),
    responses: { 200: jsonContent(TaxRate, 'The rate'), ...problemResponses(422) },
  }),
  listChannels: createRoute({
    method: 'get', path: '/api/channels', 'x-permission': 'catalog:read', tags: ['pricing'], summary: 'Sales channels and their backorder policy',
    responses: { 200: jsonContent(z.array(SalesChannel), 'Channels') },
  }),
  updateChannel: createRoute({
    method: 'patch', path: '/api/channels/{code}', 'x-permission': 'catalog:write', tags: ['pricing'], summary: 'Change whether a channel accepts backorders',
    request: { params: z.object({ code: SalesChannel.shape.code }), ...body(UpdateSalesChannelInput) },
    responses: { 200: jsonContent(SalesChannel, 'The channel'), ...problemResponses(404, 422) },
  }),
};

export function catalogRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(routes.createProduct, async (c) => c.json(await createProduct(deps, c.req.valid('json')), 201))
    .openapi(routes.listProducts, async (c) => c.json(await listProducts(deps.db, c.req.valid('query')), 200))
    .openapi(routes.getProduct, async (c) => {
      const product = await findProduct(deps.db, c.req.valid('param').sku);
      if (!product) throw new NotFoundError(`Product ${c.req.valid('param').sku}`);
      return c.json(product, 200);
    })
    .openapi(routes.updateProduct, async (c) => c.json(await updateProduct(deps, c.req.valid('param').sku, c.req.valid('json')), 200))
    .openapi(routes.createLocation, async (c) => c.json(await createLocation(deps, c.req.valid('json')), 201))
    .openapi(routes.listLocations, async (c) => c.json(await listLocations(deps.db), 200))
    .openapi(routes.getLocation, async (c) => {
      const id = c.req.valid('param').id;
      const location = z.uuid().safeParse(id).success ? await findLocation(deps.db, id) : undefined;
      if (!location) throw new NotFoundError(`Location ${id}`);
      return c.json(location, 200);
    })
    .openapi(routes.updateLocation, async (c) => c.json(await updateLocation(deps, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(routes.createPromotion, async (c) => c.json(await createPromotion(deps, c.req.valid('json')), 201))
    .openapi(routes.listPromotions, async (c) => c.json(await listPromotions(deps.db), 200))
    .openapi(routes.listTaxRates, async (c) => c.json(await listTaxRates(deps.db), 200))
    .openapi(routes.setTaxRate, async (c) => c.json(await setTaxRate(deps, c.req.valid('json')), 200))
    .openapi(routes.listChannels, async (c) => c.json(await listSalesChannels(deps.db), 200))
    .openapi(routes.updateChannel, async (c) => c.json(await updateSalesChannel(deps, c.req.valid('param').code, c.req.valid('json')), 200));
}

import { createRoute, z } from '@hono/zod-openapi';
import { requireLocation } from '#server/auth/scopes.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { claimPicks } from './claim-picks.ts';
import { confirmPick } from './confirm-pick.ts';
import { confirmShipmentPicks } from './confirm-shipment-picks.ts';
import { floorWavesRoutes } from './floor-waves.routes.ts';
import { findShipment, findShipments, pickListOf, searchShipments } from './fulfillment-queries.ts';
import {
  ConfirmPickInput,
  ConfirmShipmentPicksInput,
  IdParams,
  LocationParams,
  PackInput,
  PickClaimInput,
  PickClaims,
  PickList,
  ReleaseInput,
  RejectShipmentInput,
  ReleaseResult,
  RerouteOrderInput,
  RerouteResult,
  Shipment,
  ShipmentQuery,
} from './fulfillment.schemas.ts';
import { handOverPickup } from './hand-over-pickup.ts';
import { markReadyForPickup } from './mark-ready-for-pickup.ts';
import { packShipment } from './pack-shipment.ts';
import { packageLabel } from './package-label.ts';
import { releaseOrders } from './release-orders.ts';
import { rejectShipment } from './reject-shipment.ts';
import { releasePickClaims } from './release-pick-claims.ts';
import { rerouteOrder } from './reroute-order.ts';
import { shipShipment } from './ship-shipment.ts';

const tags = ['fulfillment'];

const releaseRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/release',
  'x-permission': 'fulfillment:release',
  tags,
  summary: 'Release allocated units to the floor now: new orders and backorders filled since (the server also does it on an interval)',
  request: { body: { content: { 'application/json': { schema: ReleaseInput } }, required: false } },
  responses: { 200: jsonContent(ReleaseResult, 'How many orders were released, as how many shipments'), ...problemResponses(422) },
});

const listShipmentsRoute = createRoute({
  method: 'get',
  path: '/api/fulfillment/shipments',
  'x-permission': 'fulfillment:read',
  tags,
  summary: "An order's or a location's shipments (optionally in one status) with their lines and packages",
  request: { query: ShipmentQuery },
  responses: { 200: jsonContent(z.array(Shipment), 'The shipments, by number'), ...problemResponses(422) },
});

const getShipmentRoute = createRoute({
  method: 'get',
  path: '/api/fulfillment/shipments/{id}',
  'x-permission': 'fulfillment:read',
  tags,
  summary: 'A shipment with its lines and packages',
  request: { params: IdParams },
  responses: { 200: jsonContent(Shipment, 'The shipment'), ...problemResponses(404, 422) },
});

const pickListRoute = createRoute({
  method: 'get',
  path: '/api/fulfillment/locations/{locationId}/pick-list',
  'x-permission': 'fulfillment:read',
  tags,
  summary: "A location's open lines to pick, batched across orders by SKU (sorted by SKU: there are no bins yet)",
  request: { params: LocationParams },
  responses: { 200: jsonContent(PickList, 'The pick list'), ...problemResponses(422) },
});

const claimRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/pick-claims',
  'x-permission': 'fulfillment:work',
  tags,
  summary: 'Claim shipment lines to pick, all or none; a line another picker holds is a 409 naming it',
  request: { body: { content: { 'application/json': { schema: PickClaimInput } }, required: true } },
  responses: { 200: jsonContent(PickClaims, 'The lines now claimed by the caller'), ...problemResponses(404, 409, 422) },
});

const releaseClaimsRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/pick-claims/release',
  'x-permission': 'fulfillment:work',
  tags,
  summary: "Give claimed lines back to the pick list: one's own, or anyone's for a manager",
  request: { body: { content: { 'application/json': { schema: PickClaimInput } }, required: true } },
  responses: { 200: jsonContent(z.object({ released: PickClaims.shape.claimed }), 'The lines released'), ...problemResponses(404, 409, 422) },
});

const confirmPickRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/shipment-lines/{id}/pick',
  'x-permission': 'fulfillment:work',
  tags,
  summary: "Confirm a claimed line's pick; fewer units than the line's is a short pick",
  request: { params: IdParams, body: { content: { 'application/json': { schema: ConfirmPickInput } }, required: true } },
  responses: { 200: jsonContent(Shipment, 'The shipment after the pick'), ...problemResponses(404, 409, 422) },
});

const pickShipmentRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/shipments/{id}/pick',
  'x-permission': 'fulfillment:work',
  tags,
  summary: "Confirm the pick of a whole claimed shipment: every line not yet picked, in full unless `lines` gives fewer (short picks); all or nothing",
  request: { params: IdParams, body: { content: { 'application/json': { schema: ConfirmShipmentPicksInput } }, required: false } },
  responses: { 200: jsonContent(Shipment, 'The shipment after the pick'), ...problemResponses(403, 404, 409, 422) },
});

const packRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/shipments/{id}/pack',
  'x-permission': 'fulfillment:work',
  tags,
  summary: 'Pack a picked shipment: the scanned SKUs and quantities must equal the picked units',
  request: { params: IdParams, body: { content: { 'application/json': { schema: PackInput } }, required: true } },
  responses: { 200: jsonContent(Shipment, 'The packed shipment with its packages'), ...problemResponses(404, 409, 422) },
});

const labelRoute = createRoute({
  method: 'get',
  path: '/api/fulfillment/packages/{id}/label',
  'x-permission': 'fulfillment:read',
  tags,
  summary: "A package's 4×6 shipping label (PDF with the tracking number as a Code 128 barcode)",
  request: { params: IdParams },
  responses: {
    200: { description: 'The label', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...problemResponses(404, 409, 422),
  },
});

const rejectRoute = createRoute({
  method: 'post',
  path: '/api/fulfillment/shipments/{id}/reject',
  'x-permission': 'fulfillment:work',
  tags,
  summary: 'The location cannot send (all of) a pending or picking shipment: the units are released and sourced again elsewhere',
  request: { params: IdParams, body: { content: { 'application/json': { schema: RejectShipmentInput } }, required: true } },
  responses: { 200: jsonContent(RerouteResult, 'Where the handed-back units went, and what is backordered'), ...problemResponses(403, 404, 409, 422) },
});

const rerouteRoute = createRoute({
  method: 'post',
  path: '/api/orders/{id}/reroute',
  'x-permission': 'orders:manage',
  tags,
  summary: "A manager moves an order's not-yet-picked units away from a location (optionally to another one)",
  request: { params: IdParams, body: { content: { 'application/json': { schema: RerouteOrderInput } }, required: true } },
  responses: { 200: jsonContent(RerouteResult, 'Where the units went, and what is backordered'), ...problemResponses(403, 404, 409, 422) },
});

function handOverRoute(action: 'ship' | 'ready-for-pickup' | 'picked-up', summary: string) {
  return createRoute({
    method: 'post',
    path: `/api/fulfillment/shipments/{id}/${action}`,
    'x-permission': 'fulfillment:work',
    tags,
    summary,
    request: { params: IdParams },
    responses: { 200: jsonContent(Shipment, 'The shipment after the change'), ...problemResponses(404, 409, 422, 503) },
  });
}

export function fulfillmentRoutes(deps: RouteDeps) {
  return createRouter()
    .openapi(releaseRoute, async (c) => {
      const input = ReleaseInput.parse(c.req.valid('json') ?? {});
      const { orders, shipments, shipmentIds } = await releaseOrders(deps, input);
      if (!input.withShipments) return c.json({ orders, shipments }, 200);
      return c.json({ orders, shipments, releasedShipments: await findShipments(deps.db, shipmentIds) }, 200);
    })
    .openapi(listShipmentsRoute, async (c) => {
      const query = c.req.valid('query');
      if (query.locationId) requireLocation(c.var.actor, query.locationId);
      return c.json(await searchShipments(deps.db, query), 200);
    })
    .openapi(getShipmentRoute, async (c) => {
      const shipment = await findShipment(deps.db, c.req.valid('param').id);
      if (!shipment) throw new NotFoundError(`Shipment ${c.req.valid('param').id}`);
      return c.json(shipment, 200);
    })
    .openapi(pickListRoute, async (c) => {
      const { locationId } = c.req.valid('param');
      requireLocation(c.var.actor, locationId);
      return c.json(await pickListOf(deps.db, locationId), 200);
    })
    .openapi(claimRoute, async (c) => c.json(await claimPicks(deps, c.var.actor, c.req.valid('json')), 200))
    .openapi(releaseClaimsRoute, async (c) => c.json(await releasePickClaims(deps, c.var.actor, c.req.valid('json')), 200))
    .openapi(confirmPickRoute, async (c) => c.json(await confirmPick(deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(pickShipmentRoute, async (c) => c.json(await confirmShipmentPicks(deps, c.var.actor, c.req.valid('param').id, c.req.valid('json') ?? {}), 200))
    .openapi(packRoute, async (c) => c.json(await packShipment(deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(labelRoute, async (c) => {
      const pdf = await packageLabel(deps, c.var.actor, c.req.valid('param').id);
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf' });
    })
    .openapi(rejectRoute, async (c) => c.json(await rejectShipment(deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(rerouteRoute, async (c) => c.json(await rerouteOrder(deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(handOverRoute('ship', 'Hand a packed shipment to its carrier: stock leaves, payment share captured, order.shipped'), async (c) =>
      c.json(await shipShipment(deps, c.var.actor, c.req.valid('param').id), 200),
    )
    .openapi(handOverRoute('ready-for-pickup', 'A packed pickup shipment is ready at the store counter (order.shipped for the KPIs)'), async (c) =>
      c.json(await markReadyForPickup(deps, c.var.actor, c.req.valid('param').id), 200),
    )
    .openapi(handOverRoute('picked-up', 'The customer collected a pickup shipment (order.delivered)'), async (c) =>
      c.json(await handOverPickup(deps, c.var.actor, c.req.valid('param').id), 200),
    )
    .route('/', floorWavesRoutes(deps));
}

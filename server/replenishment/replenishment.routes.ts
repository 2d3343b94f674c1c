import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { IdempotencyKeyHeader, jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { approveProposals, editProposal, rejectProposals } from './decide-proposals.ts';
import { getPolicySettings, setPolicySettings } from './policy-settings.ts';
import { getProposal, listProposals } from './proposal-queries.ts';
import type { ReplenishmentDefaults } from './propose-restock.ts';
import { ApprovalResult, ApproveInput, EditInput, PolicySettings, PolicySettingsInput, Proposal, ProposalQuery, RejectInput } from './replenishment.schemas.ts';

export interface ReplenishmentRouteDeps extends RouteDeps {
  replenishmentDefaults: ReplenishmentDefaults;
}

const listRoute = createRoute({
  method: 'get',
  path: '/api/replenishment/proposals',
  'x-permission': 'forecasts:read',
  tags: ['replenishment'],
  summary: 'Restock proposals, soonest stock-out first',
  request: { query: ProposalQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Proposal), nextCursor: z.string().nullable() }), 'Proposals'), ...problemResponses(422) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/replenishment/proposals/{id}',
  'x-permission': 'forecasts:read',
  tags: ['replenishment'],
  summary: 'One restock proposal',
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(Proposal, 'The proposal'), ...problemResponses(404, 422) },
});

const editRoute = createRoute({
  method: 'patch',
  path: '/api/replenishment/proposals/{id}',
  'x-permission': 'replenishment:plan',
  tags: ['replenishment'],
  summary: 'Change an open proposal’s quantity or note before deciding',
  request: { params: z.object({ id: z.uuid() }), body: { content: { 'application/json': { schema: EditInput } }, required: true } },
  responses: { 200: jsonContent(Proposal, 'The proposal'), ...problemResponses(404, 409, 422) },
});

const approveRoute = createRoute({
  method: 'post',
  path: '/api/replenishment/proposals/approve',
  'x-permission': 'replenishment:plan',
  tags: ['replenishment'],
  summary: 'Approve proposals: submitted purchase orders (one per supplier × destination) and requested transfers (one per lane), all or none',
  request: {
    headers: z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() }),
    body: { content: { 'application/json': { schema: ApproveInput } }, required: true },
  },
  responses: { 200: jsonContent(ApprovalResult, 'What was raised'), ...problemResponses(409, 422) },
});

const rejectRoute = createRoute({
  method: 'post',
  path: '/api/replenishment/proposals/reject',
  'x-permission': 'replenishment:plan',
  tags: ['replenishment'],
  summary: 'Reject proposals with a reason, all or none',
  request: { body: { content: { 'application/json': { schema: RejectInput } }, required: true } },
  responses: { 200: jsonContent(z.object({ proposals: z.array(Proposal) }), 'The rejected proposals'), ...problemResponses(409, 422) },
});

const cellParams = z.object({ sku: z.string().min(1).max(64), locationId: z.uuid() });

const getSettingsRoute = createRoute({
  method: 'get',
  path: '/api/replenishment/settings/{sku}/{locationId}',
  'x-permission': 'forecasts:read',
  tags: ['replenishment'],
  summary: 'The replenishment policy in effect for a SKU at a location',
  request: { params: cellParams },
  responses: { 200: jsonContent(PolicySettings, 'The policy'), ...problemResponses(422) },
});

const putSettingsRoute = createRoute({
  method: 'put',
  path: '/api/replenishment/settings/{sku}/{locationId}',
  'x-permission': 'replenishment:plan',
  tags: ['replenishment'],
  summary: 'Set service level, review period, lead time or pause proposals for a SKU at a location (null = back to the default)',
  request: { params: cellParams, body: { content: { 'application/json': { schema: PolicySettingsInput } }, required: true } },
  responses: { 200: jsonContent(PolicySettings, 'The policy now in effect'), ...problemResponses(422) },
});

export function replenishmentRoutes(deps: ReplenishmentRouteDeps) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listProposals(deps.db, c.req.valid('query')), 200))
    .openapi(getRoute, async (c) => {
      const proposal = await getProposal(deps.db, c.req.valid('param').id);
      if (!proposal) throw new NotFoundError('The restock proposal');
      return c.json(proposal, 200);
    })
    .openapi(editRoute, async (c) => c.json(await editProposal(deps, c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(approveRoute, async (c) => {
      const result = await approveProposals(deps, c.var.actor, c.req.valid('json'), { idempotencyKey: c.req.valid('header')['idempotency-key'] });
      return c.json(result, 200);
    })
    .openapi(rejectRoute, async (c) => c.json({ proposals: await rejectProposals(deps, c.var.actor, c.req.valid('json')) }, 200))
    .openapi(getSettingsRoute, async (c) => {
      const { sku, locationId } = c.req.valid('param');
      return c.json(await getPolicySettings(deps.db, sku, locationId, deps.replenishmentDefaults), 200);
    })
    .openapi(putSettingsRoute, async (c) => {
      const { sku, locationId } = c.req.valid('param');
      return c.json(await setPolicySettings(deps.db, sku, locationId, c.req.valid('json'), c.var.actor?.label ?? null, deps.replenishmentDefaults), 200);
    });
}

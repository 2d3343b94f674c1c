import { createRoute, z } from '@hono/zod-openapi';
import { auditOutcomes } from '#db/schema/identity.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { searchAudit } from './audit-queries.ts';

const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const AuditQuery = z.strictObject({
  actor: z.string().trim().min(1).max(320).optional().openapi({ description: 'user id, email, token id or token name' }),
  action: z.string().trim().min(1).max(100).optional().openapi({ description: 'a permission, e.g. orders:create' }),
  outcome: z.enum(auditOutcomes).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const AuditRecord = z
  .object({
    id: z.number().int(),
    occurredAt: z.string(),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
    action: z.string(),
    method: z.string(),
    path: z.string(),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    status: z.number().int(),
    outcome: z.enum(auditOutcomes),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .openapi('AuditRecord');

const auditRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  'x-permission': 'audit:read',
  tags: ['audit'],
  summary: 'Who changed what, when, and how it ended: every mutating request, newest first',
  request: { query: AuditQuery },
  responses: {
    200: jsonContent(z.object({ items: z.array(AuditRecord), nextCursor: z.string().nullable() }), 'One page of the audit log'),
    ...problemResponses(422),
  },
});

export function auditRoutes(deps: RouteDeps) {
  return createRouter().openapi(auditRoute, async (c) => c.json(await searchAudit(deps.db, c.req.valid('query')), 200));
}

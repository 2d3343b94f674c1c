import type { Context, MiddlewareHandler } from 'hono';
import type { AuditWriter, RequestAudit } from '#server/audit/audit-writer.ts';
import { auditOutcome } from '#server/core/batch-item.ts';
import { currentRequestId } from './request-context.ts';
import type { AppEnv } from './router.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every mutating API request (allowed or not) in the audit log: who, which action on
 * which target, when, and how it ended. The response leaves only once its entry is written.
 */
export function auditMutations(writer: AuditWriter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    await next();
    // A command may have written its own entry in its own statement (order capture does).
    if (c.var.audited) return;
    const target = c.var.auditTarget ?? (await targetOf(c));
    await writer.record({ ...requestAudit(c), targetType: target?.type ?? null, targetId: target?.id ?? null, status: c.res.status, outcome: auditOutcome(c.res.status) });
  };
}

/**
 * Who is acting, how and from where: an audit entry but for its target and outcome. A command
 * on the hot path gets this to write the entry within its own statement (no extra commit);
 * it then sets `audited` so the middleware does not write it twice.
 */
export function requestAudit(c: Context<AppEnv>): RequestAudit {
  const actor = c.var.actor ?? null;
  return {
    // When Tower saw it; the moment a backfilled request is dated to goes beside it.
    occurredAt: new Date(),
    actorKind: actor?.kind ?? 'anonymous',
    actorId: actor?.id ?? null,
    actorLabel: actor?.label ?? null,
    action: c.var.permission ?? 'unknown',
    method: c.req.method,
    path: c.req.path,
    requestId: currentRequestId() ?? null,
    ip: c.var.clientIp ?? null,
    detail: c.var.asOf ? { route: c.req.routePath, asOf: c.var.asOf.toISOString() } : { route: c.req.routePath },
  };
}

/** The target from the path (`/api/orders/:id/cancel` → orders, id) or a created resource's id. */
async function targetOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<{ type: string; id: string } | undefined> {
  const type = c.req.path.split('/')[2] ?? 'unknown';
  const params = c.req.param() as Record<string, string>;
  const fromPath = params['id'] ?? params['sku'] ?? params['code'];
  if (fromPath) return { type, id: fromPath };
  if (c.res.status !== 201 || !c.res.headers.get('content-type')?.includes('json')) return undefined;
  const body = (await c.res.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined;
  // The key the resource's own routes use, so one targetId finds its creation and its changes:
  // products are addressed by SKU (`/api/products/:sku`), everything else by id.
  const id = body?.['sku'] ?? body?.['id'] ?? body?.['code'];
  return typeof id === 'string' || typeof id === 'number' ? { type, id: String(id) } : undefined;
}

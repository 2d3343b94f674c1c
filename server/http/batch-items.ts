import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { BatchItemScope } from '#server/core/batch-item.ts';
import { can } from '#server/auth/actor.ts';
import { AS_OF_PERMISSION } from './as-of-header.ts';
import { requestAudit } from './audit-mutations.ts';
import { problemFromUnknown, type Problem } from './problem.ts';
import type { AppEnv } from './router.ts';

/** A batch item's own moment (`asOf`): history:write only, checked with itemMoment. */
export const BatchItemAsOf = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset (2026-10-01T14:03:00.000Z)' }).optional();

/**
 * What a batch endpoint's items need from the request: whether they may date themselves, each
 * item's audit entry (the request's, with `detail` and the item's index and moment), and the
 * status a refusal is answered with.
 */
export function batchItemScope(c: Context<AppEnv>, detail: Record<string, unknown> = {}): BatchItemScope {
  const actor = c.var.actor;
  const base = requestAudit(c);
  return {
    mayDate: actor !== null && can(actor, AS_OF_PERMISSION),
    audit: (index, asOf) => ({
      ...base,
      occurredAt: new Date(),
      detail: { ...(base.detail as Record<string, unknown>), ...detail, batchIndex: index, ...(asOf ? { asOf: asOf.toISOString() } : {}) },
    }),
    statusOf: (error) => problemFromUnknown(error).status,
  };
}

/**
 * A refused item's problem with every field path placed inside the batch: `lines.0.quantity` →
 * `returns.3.lines.0.quantity`; the single command's path parameter (`id`) is the item's `idField`.
 */
export function itemProblem(error: Error, list: string, index: number, idField?: string): Problem {
  const problem = problemFromUnknown(error);
  const errors = problem.errors?.map((e) => ({ ...e, path: `${list}.${index}.${e.path === 'id' && idField ? idField : e.path}` }));
  return { ...problem, ...(errors ? { errors } : {}) };
}

import type { RequestAudit } from '#server/audit/audit-writer.ts';
import { ForbiddenError, ValidationError, type FieldError } from './errors.ts';

/** Clocks drift; more than this ahead is a mistake, not history (as for x-tower-as-of). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

interface ZodIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string; code: string; keys?: readonly string[] }[];
}

/** A batch item's zod issues as field errors; `whole` names the item when an issue has no path. */
export function itemFieldErrors(error: ZodIssues, whole: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') return (issue.keys ?? []).map((k) => ({ path: [...path, k].join('.'), message: 'is not a known field' }));
    const message = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message;
    return [{ path: path.join('.') || whole, message }];
  });
}

/** The moment a batch item is dated to with `asOf`: only with history:write, and not in the future. */
export function itemMoment(asOf: string | undefined, mayDate: boolean): Date | undefined {
  if (asOf === undefined) return undefined;
  const moment = new Date(asOf);
  if (!mayDate) throw new ForbiddenError('asOf dates history, which these credentials may not write', [{ path: 'asOf', message: 'needs history:write' }]);
  if (moment.getTime() > Date.now() + FUTURE_TOLERANCE_MS) throw ValidationError.field('asOf', 'is more than 5 minutes in the future');
  return moment;
}

/** How an audited request or batch item ended, by the status it was answered with. */
export function auditOutcome(status: number): 'ok' | 'denied' | 'failed' | 'error' {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  return status < 500 ? 'failed' : 'error';
}

/** What a batch's items need from their request (the HTTP layer knows it). */
export interface BatchItemScope {
  /** Whether items may carry their own `asOf` (history:write). */
  mayDate: boolean;
  /** The audit entry of each item, for its moment (target and outcome added by the batch). */
  audit: (index: number, asOf: Date | undefined) => RequestAudit;
  /** The status a refused item is answered with, for its audit entry. */
  statusOf: (error: Error) => number;
}

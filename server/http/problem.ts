import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, type FieldError } from '#server/core/errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** The only place that knows which HTTP status each domain error gets. */
const statusByType: Record<string, ContentfulStatusCode> = {
  validation: 422,
  not_found: 404,
  conflict: 409,
  out_of_stock: 409,
  payment_declined: 402,
  payment_unavailable: 503,
  unavailable: 503,
  invalid_transition: 409,
  idempotency_conflict: 422,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
  bad_request: 400,
  internal: 500,
};

const titles: Record<string, string> = {
  validation: 'The request is not valid',
  not_found: 'Not found',
  conflict: 'Conflict with the current state',
  out_of_stock: 'Not enough stock',
  payment_declined: 'Payment declined',
  payment_unavailable: 'Payment provider unavailable',
  unavailable: 'A dependency is unavailable',
  invalid_transition: 'Transition not allowed',
  idempotency_conflict: 'Idempotency key reused',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  rate_limited: 'Too many requests',
  payload_too_large: 'Request body too large',
  bad_request: 'Malformed request',
  internal: 'Internal error',
};

export function problem(type: string, detail: string, errors?: FieldError[], extra: Record<string, unknown> = {}): Problem {
  return {
    type,
    title: titles[type] ?? type,
    status: statusByType[type] ?? 500,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extra,
  };
}

export function problemResponse(c: Context, body: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, { ...headers, 'content-type': 'application/problem+json' });
}

export function problemFromDomainError(error: DomainError): Problem {
  return problem(error.type, error.message, error.errors, error.details);
}

/** What an unexpected throwable becomes: a 4xx for framework-level input errors, else 500. */
export function problemFromUnknown(error: unknown): Problem {
  if (error instanceof DomainError) return problemFromDomainError(error);
  if (error instanceof HTTPException) {
    if (error.status === 413) return problem('payload_too_large', error.message);
    if (error.status < 500) return problem('bad_request', error.message || 'The request could not be read', undefined, { status: error.status });
  }
  return problem('internal', 'Something went wrong on our side; it has been logged');
}

export function fieldErrorsFromZod(error: ZodError, prefix: (string | number)[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'is not a known field' }));
    }
    const message = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message;
    return [{ path: path.join('.') || '(body)', message }];
  });
}

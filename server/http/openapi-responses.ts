import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const descriptions: Record<number, string> = {
  400: 'Malformed request',
  401: 'No valid credentials: sign in, or send a valid API token',
  402: 'Payment declined',
  403: 'The credentials do not allow this (role, channel, location or missing CSRF token)',
  404: 'Not found',
  409: 'Conflict with the current state (out of stock, invalid transition, duplicate)',
  413: 'Request body too large',
  422: 'Validation failed or Idempotency-Key reused with another body',
  429: 'Too many requests; the Retry-After header says when to try again',
  503: 'A dependency is unavailable',
};

/** The problem+json responses a route can give, for the OpenAPI document. */
export function problemResponses(...statuses: (keyof typeof descriptions)[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const IdempotencyKeyHeader = z.string().trim().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters').openapi({
  description: 'A client-chosen unique key; repeating a request with the same key returns the first result instead of acting twice.',
  example: '3f7c1c8e-6f3e-4b0c-9f1a-2d2b2f1e9a10',
});

import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { fieldErrorsFromZod, problem, problemResponse } from './problem.ts';

/** Every request that fails its zod schema gets a 422 problem naming each bad field. */
export function validationHook(result: { success: true } | { success: false; error: ZodError; target: string }, c: Context) {
  if (result.success) return undefined;
  const prefix = result.target === 'header' ? [] : [];
  const errors = fieldErrorsFromZod(result.error, prefix);
  const where = result.target === 'json' ? 'body' : result.target;
  return problemResponse(c, problem('validation', `The request ${where} is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors));
}

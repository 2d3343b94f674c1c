import { OpenAPIHono } from '@hono/zod-openapi';
import type { ServiceContext } from '#server/context.ts';
import { validationHook } from './validation-hook.ts';

export interface AppEnv {
  Variables: Record<string, never>;
}

/** Each domain's routes are built on one of these so that they share the validation hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export type RouteDeps = ServiceContext;

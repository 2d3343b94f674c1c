import { OpenAPIHono } from '@hono/zod-openapi';
import type { Actor } from '#server/auth/actor.ts';
import type { Permission } from '#server/auth/permissions.ts';
import type { ServiceContext } from '#server/context.ts';
import { authorize } from './authorize.ts';
import { problemResponses } from './openapi-responses.ts';
import { recordRoutePermission } from './route-permissions.ts';
import { validationHook } from './validation-hook.ts';

export interface AppEnv {
  Variables: {
    /** Who sent the request, or null (then `authProblem` says why). */
    actor: Actor | null;
    authProblem: string;
    /** The permission the matched route required. */
    permission: Permission;
    /** Checks the public rate limit for this request's client; throws when it is exceeded. */
    limitPublic: () => Promise<void>;
    clientIp: string;
    /** What a mutating request acted on, for the audit log, when the path does not say. */
    auditTarget: { type: string; id: string } | undefined;
    /** Set when the command wrote the request's audit entry itself. */
    audited: boolean;
    /** The moment an x-tower-as-of request is dated to; undefined for a request of now. */
    asOf: Date | undefined;
  };
}

type Register = OpenAPIHono<AppEnv>['openapi'];

/**
 * Each domain's routes are built on one of these: they share the validation hook, and every
 * route must declare the permission it needs (`'x-permission'` on its createRoute config,
 * which also documents it in the OpenAPI document). Registering a route without one throws.
 * The permission is checked before the request is validated.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const register: Register = router.openapi;
  router.openapi = ((route, handler, hook) => {
    const permission = (route as { 'x-permission'?: Permission })['x-permission'];
    if (!permission) throw new Error(`${route.method.toUpperCase()} ${route.path} declares no x-permission`);
    recordRoutePermission(route.method, route.path, permission);
    const own = route.middleware ? (Array.isArray(route.middleware) ? route.middleware : [route.middleware]) : [];
    const guardResponses = permission === 'public' ? problemResponses(429) : problemResponses(401, 403);
    return register({ ...route, responses: { ...guardResponses, ...route.responses }, middleware: [authorize(permission), ...own] }, handler, hook);
  }) as Register;
  return router;
}

export type RouteDeps = ServiceContext;

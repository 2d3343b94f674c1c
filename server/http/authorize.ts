import type { MiddlewareHandler } from 'hono';
import { can } from '#server/auth/actor.ts';
import { isAction, type Permission } from '#server/auth/permissions.ts';
import { sameSecret } from '#server/auth/secrets.ts';
import { ForbiddenError, UnauthorizedError } from '#server/core/errors.ts';
import type { AppEnv } from './router.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The guard every route gets from the router: 401 without valid credentials, 403 when the
 * actor's roles do not allow the action, and 403 for a cookie-authenticated change without
 * the session's CSRF token (a browser sends cookies on requests other sites forge; it never
 * lets them read or send this header). Public routes are rate limited per client address instead,
 * for anonymous callers.
 */
export function authorize(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('permission', permission);
    if (permission === 'public') {
      // The cap is on anonymous traffic per address: a signed-in actor on a public route (an
      // integration posting signed carrier scans with its token) is accountable and not capped.
      if (!c.var.actor) await c.var.limitPublic();
      return next();
    }
    const actor = c.var.actor;
    if (!actor) throw new UnauthorizedError(c.var.authProblem);
    if (actor.kind === 'user' && !SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || !sameSecret(sent, actor.csrfToken)) {
        throw new ForbiddenError(`Changes made with a session cookie need the ${CSRF_HEADER} header returned at sign-in`);
      }
    }
    if (isAction(permission) && !can(actor, permission)) {
      throw new ForbiddenError(`${permission} is not allowed for the roles ${actor.roles.join(', ')}`);
    }
    return next();
  };
}

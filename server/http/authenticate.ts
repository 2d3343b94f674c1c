import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ActorResolver } from '#server/auth/resolve-actor.ts';
import { RateLimitedError } from '#server/core/errors.ts';
import { permissionOf } from './route-permissions.ts';
import type { AppEnv } from './router.ts';

export const SESSION_COOKIE = 'tower_session';

/** Per client address, per minute. Kept in this process: a cap on abuse, not an accounting. */
export function perMinuteLimiter(points: number): RateLimiterMemory {
  return new RateLimiterMemory({ points, duration: 60 });
}

export async function consumeOrRefuse(limiter: RateLimiterMemory, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    throw new RateLimitedError(`Too many ${what} from this address; try again later`, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
  }
}

export function clientIp(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (e.g. app.request in a script)
  }
}

/**
 * Works out who sent each API request, from an `Authorization: Bearer` token or the session
 * cookie, before any route runs; the route's own guard then decides (see authorize.ts).
 */
export function authenticate(resolver: ActorResolver, publicLimiter: RateLimiterMemory): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = clientIp(c);
    c.set('clientIp', ip);
    // At most one point per request, however many guards ask.
    let limited: Promise<void> | undefined;
    c.set('limitPublic', () => (limited ??= consumeOrRefuse(publicLimiter, ip, 'requests')));
    c.set('actor', null);
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match) {
        const resolution = await resolver.resolve({ bearer: match[1] });
        c.set('actor', resolution.actor);
        if (!resolution.actor) c.set('authProblem', resolution.reason);
      } else {
        c.set('authProblem', 'The Authorization header must be "Bearer <token>"');
      }
    } else {
      const resolution = await resolver.resolve({ session: getCookie(c, SESSION_COOKIE) });
      c.set('actor', resolution.actor);
      if (!resolution.actor) c.set('authProblem', resolution.reason);
    }
    // A public read served without the router's guard (the OpenAPI document) is limited here,
    // like every public route: for anonymous callers only.
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (!c.var.actor && method === 'GET' && permissionOf(method, c.req.path) === 'public') await c.var.limitPublic();
    return next();
  };
}

import { createRoute } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import { ForbiddenError, UnauthorizedError } from '#server/core/errors.ts';
import { consumeOrRefuse, SESSION_COOKIE } from '#server/http/authenticate.ts';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter, type RouteDeps } from '#server/http/router.ts';
import { LoginInput, PasswordChangeInput, SessionView } from './auth.schemas.ts';
import { endSession, login } from './login.ts';
import { verifyPassword } from './passwords.ts';
import { hashSecret } from './secrets.ts';
import type { ActorResolver } from './resolve-actor.ts';
import { findUser, passwordHashOf, setPassword } from './users.ts';

export interface AuthDeps extends RouteDeps {
  resolver: ActorResolver;
  loginLimiter: RateLimiterMemory;
  sessionTtlHours: number;
  cookieSecure: boolean;
}

const loginRoute = createRoute({
  method: 'post',
  path: '/api/auth/login',
  'x-permission': 'public',
  tags: ['auth'],
  summary: 'Sign in: sets the httpOnly session cookie and returns the CSRF token',
  description:
    'After 5 failed attempts for an email, each further attempt waits for a lock (30 s, doubling up to 15 min): 429 with Retry-After.',
  request: { body: { content: { 'application/json': { schema: LoginInput } }, required: true } },
  responses: { 200: jsonContent(SessionView, 'Signed in'), ...problemResponses(401, 422, 429) },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  'x-permission': 'signed_in',
  tags: ['auth'],
  summary: 'Sign out: ends this session',
  responses: { 204: { description: 'Signed out' } },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  'x-permission': 'signed_in',
  tags: ['auth'],
  summary: 'The signed-in user, with the CSRF token of the session',
  responses: { 200: jsonContent(SessionView, 'The session') },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/api/auth/password',
  'x-permission': 'signed_in',
  tags: ['auth'],
  summary: 'Change your own password; every session of yours ends, sign in again',
  request: { body: { content: { 'application/json': { schema: PasswordChangeInput } }, required: true } },
  responses: { 204: { description: 'Changed' }, ...problemResponses(422) },
});

export function authRoutes(deps: AuthDeps) {
  return createRouter()
    .openapi(loginRoute, async (c) => {
      await consumeOrRefuse(deps.loginLimiter, c.var.clientIp, 'sign-in attempts');
      const input = c.req.valid('json');
      // Failed attempts are audited too, against the email they tried.
      c.set('auditTarget', { type: 'login', id: input.email });
      const session = await login(
        deps.db,
        { ...input, ip: c.var.clientIp, userAgent: c.req.header('user-agent') },
        { now: deps.clock.now(), sessionTtlHours: deps.sessionTtlHours },
      );
      // The audit entry of a successful sign-in names who signed in.
      c.set('actor', {
        kind: 'user',
        id: session.user.id,
        label: session.user.email,
        roles: session.user.roles,
        locationIds: session.user.locationIds,
        sessionId: hashSecret(session.token),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      });
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.cookieSecure,
        path: '/',
        expires: session.expiresAt,
      });
      return c.json({ user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() }, 200);
    })
    .openapi(logoutRoute, async (c) => {
      const actor = c.var.actor;
      if (actor?.kind === 'user') {
        await endSession(deps.db, actor.sessionId, deps.clock.now());
        deps.resolver.forget((a) => a.kind === 'user' && a.sessionId === actor.sessionId);
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(meRoute, async (c) => {
      const actor = c.var.actor;
      // An API token is valid credentials (not a 401), it just has no session.
      if (actor?.kind !== 'user') throw new ForbiddenError('Only a signed-in user has a session; this is an API token');
      const user = await findUser(deps.db, actor.id);
      if (!user) throw new UnauthorizedError('The account no longer exists');
      return c.json(
        {
          user: { id: user.id, email: user.email, name: user.name, roles: user.roles, locationIds: user.locationIds },
          csrfToken: actor.csrfToken,
          expiresAt: actor.expiresAt,
        },
        200,
      );
    })
    .openapi(passwordRoute, async (c) => {
      const actor = c.var.actor;
      if (actor?.kind !== 'user') throw new ForbiddenError('Only a signed-in user has a password; this is an API token');
      // Per account: whoever holds a stolen session may not guess the password at full speed.
      await consumeOrRefuse(deps.loginLimiter, `password:${actor.id}`, 'password attempts');
      const { currentPassword, newPassword } = c.req.valid('json');
      const current = await passwordHashOf(deps.db, actor.id);
      if (!current || !(await verifyPassword(current, currentPassword))) {
        // Not a 401: the session is still valid, and a client must not take this for a sign-out.
        throw new ForbiddenError('The current password is wrong', [{ path: 'currentPassword', message: 'is wrong' }]);
      }
      c.set('auditTarget', { type: 'user', id: actor.id });
      await setPassword(deps.db, actor.id, newPassword, deps.clock.now(), 'newPassword');
      deps.resolver.forget((a) => a.kind === 'user' && a.id === actor.id);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
}

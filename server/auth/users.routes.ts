import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent, problemResponses } from '#server/http/openapi-responses.ts';
import { createRouter } from '#server/http/router.ts';
import type { AuthDeps } from './auth.routes.ts';
import { ApiToken, CreatedApiToken, IdParam, NewApiTokenInput, NewUserInput, PasswordResetInput, User, UserChangesInput } from './auth.schemas.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import { createUser, listUsers, setPassword, updateUser } from './users.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/users',
  'x-permission': 'users:manage',
  tags: ['users'],
  summary: 'All users',
  responses: { 200: jsonContent(z.array(User), 'Users by email') },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/users',
  'x-permission': 'users:manage',
  tags: ['users'],
  summary: 'Add a user',
  request: { body: json(NewUserInput) },
  responses: { 201: jsonContent(User, 'Created'), ...problemResponses(409, 422) },
});

const updateUserRoute = createRoute({
  method: 'patch',
  path: '/api/users/{id}',
  'x-permission': 'users:manage',
  tags: ['users'],
  summary: "Change a user's name, roles, locations or whether the account is active",
  description: 'Changing roles or locations, or disabling the account, ends the sessions of the user.',
  request: { params: IdParam, body: json(UserChangesInput) },
  responses: { 200: jsonContent(User, 'The user after the change'), ...problemResponses(404, 422) },
});

const resetPasswordRoute = createRoute({
  method: 'post',
  path: '/api/users/{id}/password',
  'x-permission': 'users:manage',
  tags: ['users'],
  summary: "Set a user's password (ends the user's sessions)",
  request: { params: IdParam, body: json(PasswordResetInput) },
  responses: { 204: { description: 'Set' }, ...problemResponses(404, 422) },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/api/tokens',
  'x-permission': 'tokens:manage',
  tags: ['users'],
  summary: 'API tokens of integrations (never their secrets)',
  responses: { 200: jsonContent(z.array(ApiToken), 'Tokens, newest first') },
});

const createTokenRoute = createRoute({
  method: 'post',
  path: '/api/tokens',
  'x-permission': 'tokens:manage',
  tags: ['users'],
  summary: 'Create an API token; its secret is in this answer only',
  request: { body: json(NewApiTokenInput) },
  responses: { 201: jsonContent(CreatedApiToken, 'Created'), ...problemResponses(422) },
});

const revokeTokenRoute = createRoute({
  method: 'post',
  path: '/api/tokens/{id}/revoke',
  'x-permission': 'tokens:manage',
  tags: ['users'],
  summary: 'Revoke an API token at once',
  request: { params: IdParam },
  responses: { 200: jsonContent(ApiToken, 'The revoked token'), ...problemResponses(404) },
});

/** Administration of people and integrations. */
export function usersRoutes(deps: AuthDeps) {
  return createRouter()
    .openapi(listUsersRoute, async (c) => c.json(await listUsers(deps.db), 200))
    .openapi(createUserRoute, async (c) => {
      const user = await createUser(deps.db, c.req.valid('json'));
      c.set('auditTarget', { type: 'user', id: user.id });
      return c.json(user, 201);
    })
    .openapi(updateUserRoute, async (c) => {
      const { id } = c.req.valid('param');
      const user = await updateUser(deps.db, id, c.req.valid('json'), deps.clock.now());
      deps.resolver.forget((a) => a.kind === 'user' && a.id === id);
      return c.json(user, 200);
    })
    .openapi(resetPasswordRoute, async (c) => {
      const { id } = c.req.valid('param');
      await setPassword(deps.db, id, c.req.valid('json').password, deps.clock.now());
      deps.resolver.forget((a) => a.kind === 'user' && a.id === id);
      return c.body(null, 204);
    })
    .openapi(listTokensRoute, async (c) => c.json(await listApiTokens(deps.db), 200))
    .openapi(createTokenRoute, async (c) => {
      const input = c.req.valid('json');
      const actor = c.var.actor;
      const created = await createApiToken(
        deps.db,
        { ...input, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null },
        actor?.kind === 'user' ? actor.id : null,
      );
      c.set('auditTarget', { type: 'api_token', id: created.id });
      return c.json(created, 201);
    })
    .openapi(revokeTokenRoute, async (c) => {
      const { id } = c.req.valid('param');
      const token = await revokeApiToken(deps.db, id, deps.clock.now());
      deps.resolver.forget((a) => a.kind === 'token' && a.id === id);
      return c.json(token, 200);
    });
}

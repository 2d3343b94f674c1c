import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAction, permissions, rolesAllow, roles, type Permission, type Role } from '#server/auth/permissions.ts';
import { assertEveryRouteHasPermission, permissionOf, registeredRoutes } from '#server/http/route-permissions.ts';
import { ApiClient, signIn } from '#test/support/api-client.ts';
import { expectStatus, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

/**
 * Every route × every kind of caller, generated from the app itself: the routes come from the
 * route-permission registry (cross-checked against /api/openapi.json) and the expectation
 * from the one permission table, so a new route or a changed row is covered without editing
 * this file.
 */

interface Route {
  method: string;
  /** `/api/products/:sku` form. */
  path: string;
  permission: Permission;
}

/** Routes served outside the OpenAPI document (the document itself and its reference page). */
const UNDOCUMENTED = ['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs/swagger-ui.css', 'GET /api/docs/swagger-ui-bundle.js'];

/** `signed_in` routes about the signed-in person: an API token is authenticated but has no session or password. */
const USER_ONLY = new Set(['GET /api/auth/me', 'POST /api/auth/password']);

type Caller =
  | { name: string; kind: 'none' }
  | { name: string; kind: 'token'; roles: Role[] }
  | { name: string; kind: 'session'; roles: Role[]; csrf: boolean };

const callers: Caller[] = [
  { name: 'anonymous', kind: 'none' },
  { name: 'a malformed Authorization header', kind: 'none' },
  { name: 'an unknown API token', kind: 'none' },
  { name: 'an expired session', kind: 'none' },
  { name: 'a revoked API token', kind: 'none' },
  ...roles.map((role): Caller => ({ name: `an API token with role ${role}`, kind: 'token', roles: [role] })),
  ...roles.map((role): Caller => ({ name: `a ${role} session`, kind: 'session', roles: [role], csrf: true })),
  { name: 'an admin session without x-csrf-token', kind: 'session', roles: ['admin'], csrf: false },
];

type Expectation = 'allowed' | 'unauthorized' | 'forbidden' | 'not unauthorized';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function expectationFor(route: Route, caller: Caller): Expectation {
  if (route.permission === 'public') return 'allowed';
  if (caller.kind === 'none') return 'unauthorized';
  if (caller.kind === 'session' && !caller.csrf && !SAFE_METHODS.has(route.method)) return 'forbidden';
  if (route.permission === 'signed_in') {
    return caller.kind === 'token' && USER_ONLY.has(`${route.method} ${route.path}`) ? 'not unauthorized' : 'allowed';
  }
  if (!isAction(route.permission)) throw new Error(`${route.method} ${route.path} names an unknown permission ${route.permission}`);
  return rolesAllow(caller.roles, route.permission) ? 'allowed' : 'forbidden';
}

/** A concrete URL for a route: a random uuid for ids, a SKU or code that does not exist. */
function concretePath(path: string): string {
  return path.replaceAll(/:(\w+)/g, (_all, name: string) => (name === 'id' || name.endsWith('Id') ? randomUUID() : 'NOPE'));
}

function openApiKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replaceAll(/\/{(.+?)}/g, '/:$1')}`;
}

let server: TestServer;
let routes: Route[];
let documented: Map<string, unknown>;
const clients = new Map<string, ApiClient>();

async function newUser(userRoles: Role[]): Promise<{ email: string; password: string }> {
  const email = `${unique('matrix')}@example.com`;
  const password = `pw-${randomUUID()}`;
  expectStatus(await server.api.post('/api/users', { email, name: 'Matrix user', password, roles: userRoles }), 201);
  return { email, password };
}

beforeAll(async () => {
  server = await startTestServer();
  const doc = await server.anonymous.get('/api/openapi.json');
  expectStatus(doc, 200);
  documented = new Map();
  for (const [path, operations] of Object.entries(doc.body.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, operation] of Object.entries(operations)) documented.set(openApiKey(method, path), operation['x-permission']);
  }
  // Logout ends a session: run it last so every other route sees a live session.
  routes = registeredRoutes().sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));

  for (const caller of callers) {
    if (caller.kind === 'token') clients.set(caller.name, await server.tokenClient(caller.roles));
    if (caller.kind === 'session') {
      const { email, password } = await newUser(caller.roles);
      const session = await signIn(server.url, email, password);
      clients.set(caller.name, caller.csrf ? session : session.with({ cookie: session.defaults['cookie']! }));
    }
  }
  clients.set('anonymous', server.anonymous);
  clients.set('a malformed Authorization header', server.anonymous.with({ authorization: 'Token abc' }));
  clients.set('an unknown API token', server.anonymous.with({ authorization: `Bearer tower_${randomUUID()}` }));

  // A fresh session, expired before its first use (a used one would be cached for a few seconds).
  const { email, password } = await newUser(['admin']);
  const expired = await signIn(server.url, email, password);
  await server.pool.query(`update sessions set expires_at = now() - interval '1 minute' where user_id = (select id from users where email = $1)`, [email]);
  clients.set('an expired session', expired);

  const created = expectStatus(await server.api.post('/api/tokens', { name: unique('revoked'), roles: ['admin'] }), 201).body as { id: string; token: string };
  expectStatus(await server.api.post(`/api/tokens/${created.id}/revoke`), 200);
  clients.set('a revoked API token', server.anonymous.with({ authorization: `Bearer ${created.token}` }));
});
afterAll(() => server.close());

describe('the route table', () => {
  it('lists every route of the app, each with a permission that is public, signed_in or a row of the permission table', () => {
    expect(routes.length).toBeGreaterThan(30);
    const unknown = routes.filter((r) => r.permission !== 'public' && r.permission !== 'signed_in' && !Object.hasOwn(permissions, r.permission));
    expect(unknown).toEqual([]);
  });

  it('matches the OpenAPI document route for route, with the same x-permission', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect([...documented.keys()].filter((k) => !registered.has(k))).toEqual([]);
    expect([...registered].filter((k) => !documented.has(k)).sort()).toEqual([...UNDOCUMENTED].sort());
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (documented.has(key)) expect({ key, permission: documented.get(key) }).toEqual({ key, permission: route.permission });
      expect(permissionOf(route.method, route.path)).toBe(route.permission);
    }
    for (const key of UNDOCUMENTED) expect(routes.find((r) => `${r.method} ${r.path}` === key)?.permission).toBe('public');
  });

  it('every role of the permission table is a real role', () => {
    for (const allowed of Object.values(permissions)) for (const role of allowed) expect(roles).toContain(role);
  });

  it('refuses to start an app with a route that names no permission', () => {
    expect(() => assertEveryRouteHasPermission([{ method: 'GET', path: '/api/not-in-the-table' }])).toThrow(/GET \/api\/not-in-the-table/);
    expect(() => assertEveryRouteHasPermission(routes.map((r) => ({ method: r.method, path: r.path })))).not.toThrow();
  });
});

describe.each(callers)('$name', (caller) => {
  it('gets exactly the answer the permission table gives on every route', async () => {
    const client = clients.get(caller.name)!;
    const mismatches: string[] = [];
    for (const route of routes) {
      const expected = expectationFor(route, caller);
      const body = SAFE_METHODS.has(route.method) ? undefined : {};
      const response = await client.request(route.method, concretePath(route.path), body);
      const type = (response.body as { type?: string } | undefined)?.type;
      const problemJson = response.headers.get('content-type')?.startsWith('application/problem+json') ?? false;
      const ok =
        expected === 'allowed'
          ? // A 503 `unavailable` (this server has no ClickHouse) still means the caller got past the guard.
            response.status !== 401 && response.status !== 403 && (response.status < 500 || type === 'unavailable')
          : expected === 'not unauthorized'
            ? response.status !== 401 && response.status < 500
            : expected === 'unauthorized'
              ? response.status === 401 && problemJson && type === 'unauthorized'
              : response.status === 403 && problemJson && type === 'forbidden';
      if (!ok) mismatches.push(`${route.method} ${route.path} (${route.permission}): expected ${expected}, got ${response.status} ${type ?? ''}`);
    }
    expect(mismatches).toEqual([]);
  });
});

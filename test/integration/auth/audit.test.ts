import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '#server/audit/audit-queries.ts';
import { ApiClient } from '#test/support/api-client.ts';
import { expectStatus, orderBody, stockedProduct, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { attemptLogin, newUser, productBody, sessionClient } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** An API token of its own, so that this test's entries can be told apart by actor. */
async function namedToken(roles: string[]): Promise<{ id: string; name: string; client: ApiClient }> {
  const name = unique('audit-token');
  const created = expectStatus(await server.api.post('/api/tokens', { name, roles }), 201).body as { id: string; token: string };
  return { id: created.id, name, client: new ApiClient(server.url, { authorization: `Bearer ${created.token}` }) };
}

async function audit(query: Record<string, string | number>): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
  const response = await server.api.get(`/api/audit?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`);
  return expectStatus(response, 200).body as { items: AuditRecord[]; nextCursor: string | null };
}

async function entryFor(requestId: string): Promise<AuditRecord | undefined> {
  const { rows } = await server.pool.query<{ id: string }>('select id from audit_log where request_id = $1', [requestId]);
  if (rows.length !== 1) return undefined;
  const { items } = await audit({ cursor: Number(rows[0]!.id) + 1, limit: 1 });
  return items[0];
}

describe('the audit log', () => {
  it('records a placed order once, written with the order; a replay and a refusal get their own entries', async () => {
    const { product } = await stockedProduct(server.api, 1);
    const service = await namedToken(['service']);
    const key = randomUUID();
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const placed = await service.client.post('/api/orders', body, { 'idempotency-key': key });
    expect(placed.status).toBe(201);
    const replayed = await service.client.post('/api/orders', body, { 'idempotency-key': key });
    expect(replayed.status).toBe(200);
    const refused = await service.client.post('/api/orders', body, { 'idempotency-key': randomUUID() });
    expect(refused.status).toBe(409);

    const { items } = await audit({ actor: service.name });
    expect(items.map((e) => [e.status, e.outcome, e.target?.id ?? null])).toEqual([
      [409, 'failed', null],
      [200, 'ok', placed.body.id],
      [201, 'ok', placed.body.id],
    ]);
    expect(items[2]).toMatchObject({ action: 'orders:create', method: 'POST', path: '/api/orders', target: { type: 'orders' } });
  });

  it('records a successful change with its actor, action, target, status and outcome', async () => {
    const admin = await namedToken(['admin']);
    const product = productBody();
    const requestId = `audit-${randomUUID()}`;
    const created = await admin.client.post('/api/products', product, { 'x-request-id': requestId });
    expect(created.status).toBe(201);

    const { items } = await audit({ actor: admin.name });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: { kind: 'token', id: admin.id, label: admin.name },
      action: 'catalog:write',
      method: 'POST',
      path: '/api/products',
      target: { type: 'products', id: product.sku },
      status: 201,
      outcome: 'ok',
      requestId,
    });
    expect(items[0]!.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(Math.abs(Date.parse(items[0]!.occurredAt) - Date.now())).toBeLessThan(60_000);

    // A change named by its path has that target too.
    expect((await admin.client.patch(`/api/products/${product.sku}`, { priceCents: 2999 })).status).toBe(200);
    const byTarget = await audit({ targetId: product.sku });
    expect(byTarget.items.map((e) => [e.method, e.path, e.outcome])).toEqual([
      ['PATCH', `/api/products/${product.sku}`, 'ok'],
      ['POST', '/api/products', 'ok'],
    ]);
  });

  it('records a forbidden attempt as denied and a refused body as failed; reads are not recorded', async () => {
    const planner = await namedToken(['planner']);
    expect((await planner.client.post('/api/products', productBody())).status).toBe(403);
    expect((await planner.client.get('/api/products')).status).toBe(200);
    const admin = await namedToken(['admin']);
    expect((await admin.client.post('/api/products', { sku: '' })).status).toBe(422);

    const denied = await audit({ actor: planner.name });
    expect(denied.items).toHaveLength(1);
    expect(denied.items[0]).toMatchObject({ actor: { kind: 'token', label: planner.name }, action: 'catalog:write', status: 403, outcome: 'denied' });
    const failed = await audit({ actor: admin.id });
    expect(failed.items.map((e) => [e.action, e.status, e.outcome])).toEqual([['catalog:write', 422, 'failed']]);
  });

  it('records changes made without credentials, and cookie changes without the CSRF token, as denied', async () => {
    const anonymousId = `anon-${randomUUID()}`;
    expect((await server.anonymous.post('/api/products', productBody(), { 'x-request-id': anonymousId })).status).toBe(401);
    expect(await entryFor(anonymousId)).toMatchObject({
      actor: { kind: 'anonymous', id: null, label: null },
      action: 'catalog:write',
      status: 401,
      outcome: 'denied',
    });

    const user = await newUser(server, ['manager']);
    const cookieOnly = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password), false);
    const csrfId = `csrf-${randomUUID()}`;
    expect((await cookieOnly.post('/api/products', productBody(), { 'x-request-id': csrfId })).status).toBe(403);
    expect(await entryFor(csrfId)).toMatchObject({ actor: { kind: 'user', id: user.id, label: user.email }, status: 403, outcome: 'denied' });
  });

  it('records failed and successful sign-ins', async () => {
    const user = await newUser(server, ['staff']);
    const failedId = `login-${randomUUID()}`;
    expect((await attemptLogin(server.url, user.email, 'wrong password', { 'x-request-id': failedId })).status).toBe(401);
    expect(await entryFor(failedId)).toMatchObject({
      actor: { kind: 'anonymous' },
      action: 'public',
      method: 'POST',
      path: '/api/auth/login',
      target: { type: 'login', id: user.email },
      status: 401,
      outcome: 'denied',
    });

    const okId = `login-${randomUUID()}`;
    expect((await attemptLogin(server.url, user.email, user.password, { 'x-request-id': okId })).status).toBe(200);
    expect(await entryFor(okId)).toMatchObject({ path: '/api/auth/login', status: 200, outcome: 'ok', target: { type: 'login', id: user.email } });

    const session = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    const logoutId = `logout-${randomUUID()}`;
    expect((await session.post('/api/auth/logout', undefined, { 'x-request-id': logoutId })).status).toBe(204);
    expect(await entryFor(logoutId)).toMatchObject({ actor: { kind: 'user', id: user.id }, action: 'signed_in', status: 204, outcome: 'ok' });
  });

  it('filters by actor, action, outcome, target and time, and pages with a cursor', async () => {
    const admin = await namedToken(['admin']);
    const before = new Date();
    const skus: string[] = [];
    for (let i = 0; i < 4; i++) {
      const product = productBody();
      skus.push(product.sku);
      expect((await admin.client.post('/api/products', product)).status).toBe(201);
    }
    expect((await admin.client.post('/api/products', { sku: skus[0] })).status).toBe(422);
    expect((await admin.client.post('/api/locations', { code: '' })).status).toBe(422);
    const after = new Date(Date.now() + 1);

    const all = await audit({ actor: admin.name, limit: 200 });
    expect(all.items).toHaveLength(6);
    expect(all.nextCursor).toBeNull();
    expect(all.items.every((e) => e.actor.id === admin.id)).toBe(true);
    const ids = all.items.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect((await audit({ actor: admin.id, limit: 200 })).items.map((e) => e.id)).toEqual(ids);

    expect((await audit({ actor: admin.name, action: 'catalog:write' })).items).toHaveLength(6);
    expect((await audit({ actor: admin.name, action: 'orders:create' })).items).toHaveLength(0);
    const failed = await audit({ actor: admin.name, outcome: 'failed' });
    expect(failed.items.map((e) => e.path)).toEqual(['/api/locations', '/api/products']);
    expect((await audit({ actor: admin.name, outcome: 'ok' })).items).toHaveLength(4);
    const byTarget = await audit({ targetId: skus[2]! });
    expect(byTarget.items.map((e) => e.actor.label)).toEqual([admin.name]);

    expect((await audit({ actor: admin.name, from: before.toISOString(), to: after.toISOString() })).items).toHaveLength(6);
    expect((await audit({ actor: admin.name, to: before.toISOString() })).items).toHaveLength(0);
    expect((await audit({ actor: admin.name, from: after.toISOString() })).items).toHaveLength(0);

    const paged: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await audit({ actor: admin.name, limit: 4, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(2);
    expect(paged).toEqual(ids);

    const badCursor = await server.api.get('/api/audit?cursor=abc');
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.errors[0].path).toBe('cursor');
    expect((await server.api.get('/api/audit?outcome=maybe')).status).toBe(422);
    expect((await server.api.get('/api/audit?from=yesterday')).status).toBe(422);
  });

  it('is readable by admins only', async () => {
    for (const role of ['manager', 'planner', 'staff', 'service'] as const) {
      const response = await (await server.tokenClient([role])).get('/api/audit');
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('forbidden');
    }
    expect((await server.anonymous.get('/api/audit')).status).toBe(401);
    const user = await newUser(server, ['admin']);
    const admin = sessionClient(server.url, await attemptLogin(server.url, user.email, user.password));
    expect((await admin.get('/api/audit?limit=1')).status).toBe(200);
  });
});

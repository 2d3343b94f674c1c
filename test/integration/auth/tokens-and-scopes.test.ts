import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, signIn } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder, stockedProduct, unique, uniqueEmail } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { newUser } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface CreatedToken {
  id: string;
  token: string;
  prefix: string;
  channels: string[] | null;
}

async function createToken(body: Record<string, unknown>): Promise<CreatedToken> {
  return expectStatus(await server.api.post('/api/tokens', { name: unique('token'), ...body }), 201).body as CreatedToken;
}

function bearer(token: string): ApiClient {
  return new ApiClient(server.url, { authorization: `Bearer ${token}` });
}

const marketplaceOrder = (sku: string) =>
  orderBody([{ sku, quantity: 1 }], { channel: 'marketplace', externalRef: unique('MKT') });

describe('API tokens', () => {
  it('show their secret once, in the answer that creates them, and never again', async () => {
    const created = await createToken({ roles: ['service'], channels: ['marketplace'] });
    expect(created.token).toMatch(/^tower_[A-Za-z0-9_-]{40,}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.prefix.length).toBeLessThan(16);
    expect(created.channels).toEqual(['marketplace']);

    const listed = await server.api.get('/api/tokens');
    expect(listed.status).toBe(200);
    const mine = (listed.body as Record<string, unknown>[]).find((t) => t.id === created.id)!;
    expect(mine).toMatchObject({ id: created.id, prefix: created.prefix, roles: ['service'], channels: ['marketplace'], revokedAt: null });
    for (const token of listed.body as Record<string, unknown>[]) {
      expect(Object.keys(token)).not.toContain('token');
      expect(Object.keys(token).filter((k) => /hash/i.test(k))).toEqual([]);
    }
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.token);
    expect(text).not.toContain(createHash('sha256').update(created.token).digest('hex'));

    const { rows } = await server.pool.query('select token_hash from api_tokens where id = $1', [created.id]);
    expect(rows[0].token_hash).not.toContain(created.token);
  });

  it('limited to the marketplace channel may place marketplace orders, not web ones', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const client = bearer((await createToken({ roles: ['service'], channels: ['marketplace'] })).token);

    const allowed = await placeOrder(client, marketplaceOrder(product.sku));
    expect(allowed.status).toBe(201);
    expect(allowed.body.channel).toBe('marketplace');

    const email = uniqueEmail('web');
    const refused = await placeOrder(client, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'web', customer: { email, name: 'Web Buyer' } }));
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('forbidden');
    expect(refused.body.errors[0].path).toBe('channel');
    const { rows } = await server.pool.query('select count(*)::int as n from customers where email = $1', [email]);
    expect(rows[0].n).toBe(0);

    // A token without a channel limit may place orders on any channel.
    const unlimited = bearer((await createToken({ roles: ['service'] })).token);
    expect((await placeOrder(unlimited, orderBody([{ sku: product.sku, quantity: 1 }]))).status).toBe(201);
  });

  it('limited to a channel gets a forbidden error on the import rows of other channels, and the other rows are placed', async () => {
    const location = await createLocation(server.api);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, location.id, 20);
    const client = bearer((await createToken({ roles: ['service'], channels: ['marketplace'] })).token);
    const [mine, theirs] = [unique('PO'), unique('PO')];
    const header = 'externalRef,channel,customerEmail,customerName,line1,city,region,postalCode,country,sku,quantity,currency,paymentMethod,paymentToken';
    const row = (ref: string, channel: string, payment: string) =>
      `${ref},${channel},${uniqueEmail('b2b')},Acme Buyer,1 Main St,Austin,TX,73301,US,${product.sku},1,USD,${payment}`;
    const csv = [header, row(mine, 'marketplace', 'card,tok_visa'), row(theirs, 'b2b', 'invoice,')].join('\n') + '\n';

    const response = await client.request('POST', '/api/orders/import', csv, { 'content-type': 'text/csv' });
    expect(response.status).toBe(200);
    expect(response.body.summary).toMatchObject({ orders: 2, created: 1, failed: 1 });
    const [first, second] = response.body.rows;
    expect(first).toMatchObject({ externalRef: mine, result: 'created' });
    expect(second).toMatchObject({ externalRef: theirs, result: 'error' });
    expect(second.errors[0]).toMatchObject({ path: 'channel', type: 'forbidden' });
    const { rows } = await server.pool.query('select count(*)::int as n from orders where external_ref = $1', [theirs]);
    expect(rows[0].n).toBe(0);
  });

  it('an empty channel list is refused rather than read as "every channel"', async () => {
    const response = await server.api.post('/api/tokens', { name: unique('token'), roles: ['service'], channels: [] });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].path).toBe('channels');
  });

  it('stop working at once when revoked, even if just used', async () => {
    const created = await createToken({ roles: ['manager'] });
    const client = bearer(created.token);
    expect((await client.get('/api/products')).status).toBe(200);

    const revoked = await server.api.post(`/api/tokens/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect(revoked.body.token).toBeUndefined();

    const refused = await client.get('/api/products');
    expect(refused.status).toBe(401);
    expect(refused.body.type).toBe('unauthorized');
    expect((await client.post('/api/products', {})).status).toBe(401);

    // Revoking again keeps the first revocation; revoking a token that does not exist is a 404.
    const again = await server.api.post(`/api/tokens/${created.id}/revoke`);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await server.api.post(`/api/tokens/${randomUUID()}/revoke`)).status).toBe(404);
  });

  it('stop working when they expire', async () => {
    const expired = await createToken({ roles: ['manager'], expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const refused = await bearer(expired.token).get('/api/products');
    expect(refused.status).toBe(401);
    expect(refused.body.type).toBe('unauthorized');
    const later = await createToken({ roles: ['manager'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await bearer(later.token).get('/api/products')).status).toBe(200);
  });

  it('only admins manage tokens', async () => {
    const manager = await server.tokenClient(['manager']);
    expect((await manager.get('/api/tokens')).status).toBe(403);
    expect((await manager.post('/api/tokens', { name: 'escalate', roles: ['admin'] })).status).toBe(403);
  });
});

describe('roles', () => {
  it('a planner may read orders but not place them', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const planner = await server.tokenClient(['planner']);
    const refused = await placeOrder(planner, orderBody([{ sku: product.sku, quantity: 1 }]));
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('forbidden');
    expect((await planner.get('/api/orders')).status).toBe(200);

    const user = await newUser(server, ['planner']);
    const session = await signIn(server.url, user.email, user.password);
    expect((await placeOrder(session, orderBody([{ sku: product.sku, quantity: 1 }]))).status).toBe(403);
  });
});

describe('staff limited to their locations', () => {
  it('may adjust stock and safety stock at their location, and get a 403 naming locationId elsewhere', async () => {
    const [a, b] = await Promise.all([createLocation(server.api), createLocation(server.api)]);
    const product = await createProduct(server.api);
    const user = await newUser(server, ['staff'], { locationIds: [a.id] });
    const listed = (await server.api.get('/api/users')).body as { id: string; locationIds: string[] | null }[];
    expect(listed.find((u) => u.id === user.id)?.locationIds).toEqual([a.id]);

    const staff = await signIn(server.url, user.email, user.password);
    const me = await staff.get('/api/auth/me');
    expect(me.body.user.locationIds).toEqual([a.id]);

    const atA = await staff.post('/api/inventory/adjustments', { sku: product.sku, locationId: a.id, delta: 5, reason: 'receipt' });
    expect(atA.status).toBe(201);
    const atB = await staff.post('/api/inventory/adjustments', { sku: product.sku, locationId: b.id, delta: 5, reason: 'receipt' });
    expect(atB.status).toBe(403);
    expect(atB.body.type).toBe('forbidden');
    expect(atB.body.errors[0].path).toBe('locationId');

    const safetyA = await staff.put(`/api/inventory/levels/${product.sku}/${a.id}/safety-stock`, { safetyStock: 1 });
    expect(safetyA.status).toBe(200);
    const safetyB = await staff.put(`/api/inventory/levels/${product.sku}/${b.id}/safety-stock`, { safetyStock: 1 });
    expect(safetyB.status).toBe(403);
    expect(safetyB.body.errors[0].path).toBe('locationId');

    const { rows } = await server.pool.query('select count(*)::int as n from inventory_ledger where sku = $1 and location_id = $2', [product.sku, b.id]);
    expect(rows[0].n).toBe(0);

    // Staff without a limit may act anywhere; an admin sets and lifts limits.
    const unlimited = await newUser(server, ['staff']);
    const anywhere = await signIn(server.url, unlimited.email, unlimited.password);
    expect((await anywhere.post('/api/inventory/adjustments', { sku: product.sku, locationId: b.id, delta: 1, reason: 'receipt' })).status).toBe(201);
    expect((await server.api.patch(`/api/users/${user.id}`, { locationIds: null })).status).toBe(200);
    const lifted = await signIn(server.url, user.email, user.password);
    expect((await lifted.post('/api/inventory/adjustments', { sku: product.sku, locationId: b.id, delta: 1, reason: 'receipt' })).status).toBe(201);
  });

  it('an empty location list is refused rather than read as "every location"', async () => {
    const response = await server.api.post('/api/users', {
      email: `${unique('staff')}@example.com`,
      name: 'Nowhere',
      password: 'a long enough password',
      roles: ['staff'],
      locationIds: [],
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].path).toBe('locationIds');
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, orderBody, placedOrder, setSafetyStock, stockedProduct, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('products', () => {
  it('are created with 201, read back by SKU and listed', async () => {
    const sku = unique('TEE');
    const created = await server.api.post('/api/products', {
      sku,
      name: 'Organic tee',
      category: 'apparel',
      priceCents: 2499,
      currency: 'USD',
      weightGrams: 180,
      lengthMm: 300,
      widthMm: 250,
      heightMm: 20,
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sku,
      name: 'Organic tee',
      category: 'apparel',
      priceCents: 2499,
      currency: 'USD',
      weightGrams: 180,
      lengthMm: 300,
      backorderable: true,
      active: true,
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created.body.createdAt)).not.toBeNaN();

    const fetched = await server.api.get(`/api/products/${sku}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const page = await server.api.get(`/api/products?cursor=${encodeURIComponent(sku.slice(0, -1))}&limit=500`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((p: { sku: string }) => p.sku)).toContain(sku);
  });

  it('are listed by SKU a page at a time, each page continuing where the last ended', async () => {
    const prefix = unique('PAGE');
    const skus = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const sku of [...skus].reverse()) await createProduct(server.api, { sku });

    // A cursor is the last SKU already seen: start just before this test's products.
    const first = await server.api.get(`/api/products?cursor=${encodeURIComponent(prefix)}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { sku: string }) => p.sku)).toEqual(skus.slice(0, 2));
    expect(first.body.nextCursor).toBe(skus[1]);

    const second = await server.api.get(`/api/products?cursor=${encodeURIComponent(first.body.nextCursor)}&limit=2`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].sku).toBe(skus[2]);
  });

  it('the last page has no next cursor', async () => {
    // '~' sorts after every SKU character, so nothing follows it.
    const page = await server.api.get(`/api/products?cursor=${encodeURIComponent('zzzzzzzz~')}&limit=5`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ items: [], nextCursor: null });
  });

  it('a duplicate SKU is a 409 conflict naming sku, and the first product is unchanged', async () => {
    const product = await createProduct(server.api, { name: 'Original' });
    const duplicate = await server.api.post('/api/products', {
      sku: product.sku,
      name: 'Impostor',
      category: 'apparel',
      priceCents: 1,
      currency: 'USD',
      weightGrams: 1,
    });

    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(duplicate.body).toMatchObject({ type: 'conflict', status: 409, errors: [{ path: 'sku' }] });
    expect((await server.api.get(`/api/products/${product.sku}`)).body).toMatchObject({ name: 'Original', priceCents: 1999 });
  });

  it('PATCH changes only the fields sent; orders already placed keep their price', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));

    const patched = await server.api.request('PATCH', `/api/products/${product.sku}`, { priceCents: 2999, name: 'Renamed' });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ sku: product.sku, priceCents: 2999, name: 'Renamed', category: 'apparel', weightGrams: 250 });
    expect((await server.api.get(`/api/products/${product.sku}`)).body).toMatchObject({ priceCents: 2999, name: 'Renamed' });
    expect((await server.api.get(`/api/orders/${order.id}`)).body.lines[0]).toMatchObject({ unitPriceCents: 1999 });
  });

  it('PATCH of an unknown SKU is a 404, and of nothing at all a 422', async () => {
    const unknown = await server.api.request('PATCH', `/api/products/${unique('NOPE')}`, { priceCents: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: 'not_found' });

    const product = await createProduct(server.api);
    const empty = await server.api.request('PATCH', `/api/products/${product.sku}`, {});
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ type: 'validation' });
  });

  it('an unknown SKU is a 404 not_found', async () => {
    const response = await server.api.get(`/api/products/${unique('NOPE')}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'not_found' });
  });
});

describe('locations', () => {
  it('are created with 201, read back by id and listed', async () => {
    const code = unique('DAL');
    const created = await server.api.post('/api/locations', {
      code,
      name: 'Dallas DC',
      kind: 'warehouse',
      lat: 32.78,
      lon: -96.8,
      dailyCapacity: 5000,
      region: 'TX',
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, name: 'Dallas DC', kind: 'warehouse', lat: 32.78, lon: -96.8, dailyCapacity: 5000, country: 'US', region: 'TX', active: true });
    const fetched = await server.api.get(`/api/locations/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
    const listed = await server.api.get('/api/locations');
    expect(listed.body).toContainEqual(created.body);
  });

  it('an unknown id, or one that is not a uuid, is a 404 not_found', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const response = await server.api.get(`/api/locations/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ type: 'not_found' });
    }
  });

  it('a duplicate code is a 409 conflict naming code', async () => {
    const location = await createLocation(server.api);
    const duplicate = await server.api.post('/api/locations', { code: location.code, name: 'Again', kind: 'store', lat: 0, lon: 0, dailyCapacity: 1 });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ type: 'conflict', errors: [{ path: 'code' }] });
  });
});

describe('inventory', () => {
  async function twoLocationsStocked() {
    const product = await createProduct(server.api);
    const near = await createLocation(server.api, { lat: 30.27, lon: -97.74 });
    const far = await createLocation(server.api, { lat: 47.6, lon: -122.33 });
    await addStock(server.api, product.sku, near.id, 10);
    await addStock(server.api, product.sku, far.id, 5);
    return { product, near, far };
  }

  it('GET /api/inventory filters by SKU, by location and by both', async () => {
    const { product, near, far } = await twoLocationsStocked();
    const other = await createProduct(server.api);
    await addStock(server.api, other.sku, near.id, 7);
    const level = (sku: string, locationId: string, onHand: number) => ({ sku, locationId, onHand, reserved: 0, safetyStock: 0, available: onHand, bin: null });

    const bySku = await server.api.get(`/api/inventory?sku=${product.sku}`);
    expect(bySku.status).toBe(200);
    expect(bySku.body).toHaveLength(2);
    expect(bySku.body).toEqual(expect.arrayContaining([level(product.sku, near.id, 10), level(product.sku, far.id, 5)]));

    const byLocation = await server.api.get(`/api/inventory?locationId=${near.id}`);
    expect(byLocation.body).toHaveLength(2);
    expect(byLocation.body).toEqual(expect.arrayContaining([level(product.sku, near.id, 10), level(other.sku, near.id, 7)]));

    const byBoth = await server.api.get(`/api/inventory?sku=${product.sku}&locationId=${far.id}`);
    expect(byBoth.body).toEqual([level(product.sku, far.id, 5)]);

    expect((await server.api.get(`/api/inventory?sku=${unique('NOPE')}`)).body).toEqual([]);
  });

  it('GET /api/inventory/availability/{sku} sums every location, net of reservations and safety stock', async () => {
    const { product, near, far } = await twoLocationsStocked();
    await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }]));
    await setSafetyStock(server.api, product.sku, far.id, 1);

    const response = await server.api.get(`/api/inventory/availability/${product.sku}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku: product.sku, onHand: 15, reserved: 3, available: 11 });
    expect(response.body.locations).toEqual(
      expect.arrayContaining([
        { sku: product.sku, locationId: near.id, onHand: 10, reserved: 3, safetyStock: 0, available: 7, bin: null },
        { sku: product.sku, locationId: far.id, onHand: 5, reserved: 0, safetyStock: 1, available: 4, bin: null },
      ]),
    );
    expect(response.body.locations).toHaveLength(2);
  });

  it('GET /api/inventory/ledger lists every movement of a SKU, newest first', async () => {
    const { product, near, far } = await twoLocationsStocked();
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));

    const ledger = await server.api.get(`/api/inventory/ledger?sku=${product.sku}`);

    expect(ledger.status).toBe(200);
    expect(ledger.body).toEqual([
      expect.objectContaining({ sku: product.sku, locationId: near.id, onHandDelta: 0, reservedDelta: 2, reason: 'reservation', orderId: order.id }),
      expect.objectContaining({ sku: product.sku, locationId: far.id, onHandDelta: 5, reservedDelta: 0, reason: 'receipt', orderId: null }),
      expect.objectContaining({ sku: product.sku, locationId: near.id, onHandDelta: 10, reservedDelta: 0, reason: 'receipt', orderId: null }),
    ]);
    expect(Date.parse(ledger.body[0].occurredAt)).not.toBeNaN();

    const atNear = await server.api.get(`/api/inventory/ledger?sku=${product.sku}&locationId=${near.id}`);
    expect(atNear.body.map((e: { reason: string }) => e.reason)).toEqual(['reservation', 'receipt']);

    const firstPage = await server.api.get(`/api/inventory/ledger?sku=${product.sku}&limit=1`);
    expect(firstPage.body).toHaveLength(1);
    const older = await server.api.get(`/api/inventory/ledger?sku=${product.sku}&before=${firstPage.body[0].id}`);
    expect(older.body.map((e: { id: number }) => e.id)).toEqual(ledger.body.slice(1).map((e: { id: number }) => e.id));
  });

  it('GET /api/inventory/ledger without a SKU is a 422 naming sku', async () => {
    const response = await server.api.get('/api/inventory/ledger');
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: 'validation', errors: [{ path: 'sku' }] });
  });
});

describe('the API describes itself', () => {
  it('GET /api/openapi.json is an OpenAPI 3.1 document with the orders endpoints and PlaceOrderInput', async () => {
    const response = await server.api.get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = response.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.paths['/api/orders']).toHaveProperty('post');
    expect(doc.paths['/api/orders']).toHaveProperty('get');
    expect(doc.paths['/api/orders/{id}/cancel']).toHaveProperty('post');
    expect(doc.components.schemas.PlaceOrderInput).toMatchObject({ type: 'object' });
    expect(Object.keys(doc.components.schemas.PlaceOrderInput.properties)).toEqual(expect.arrayContaining(['channel', 'customer', 'lines', 'payment', 'currency']));
    expect(doc.paths['/api/orders'].post.responses['409'].content).toHaveProperty(['application/problem+json']);
  });

  it('GET /api/docs is an HTML page whose scripts and styles are served by Tower itself', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset, 'no CDN: every asset is a path on this server').toMatch(/^\/[^/]/);
      const served = await fetch(server.url + asset);
      expect(served.status, asset).toBe(200);
      expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });
});

describe('operations', () => {
  it('GET /api/health reports the server and PostgreSQL as ok', async () => {
    const response = await server.api.get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', postgres: 'ok' });
  });

  it.each([
    ['GET', '/api/no-such-thing'],
    ['POST', '/api/no-such-thing'],
    ['DELETE', '/api/orders'],
    ['GET', '/nothing-here'],
  ])('%s %s is a 404 problem', async (method, path) => {
    const response = await server.api.request(method, path);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'not_found', status: 404, title: expect.any(String), detail: expect.any(String) });
  });
});

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '#test/support/api-client.ts';
import {
  addStock,
  createLocation,
  createProduct,
  orderBody,
  orderFootprint,
  placedOrder,
  stockedProduct,
  unique,
  uniqueEmail,
} from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
/** The same Tower with a 2,000-byte body limit, to exceed it cheaply. */
let smallLimitServer: TestServer;
beforeAll(async () => {
  [server, smallLimitServer] = await Promise.all([startTestServer(), startTestServer({ bodyLimitBytes: 2000 })]);
});
afterAll(async () => {
  await Promise.all([server.close(), smallLimitServer.close()]);
});

function expectProblem(response: ApiResponse, status: number, type: string, paths?: string[]) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type, status });
  expect(typeof response.body.title).toBe('string');
  expect(typeof response.body.detail).toBe('string');
  if (paths) {
    const reported = [...new Set((response.body.errors ?? []).map((e: { path: string }) => e.path))].sort();
    expect(reported).toEqual([...paths].sort());
  }
}

type Body = Record<string, any>;

/** Titles for it.each: vitest shortens `$name` interpolations, a plain '%s' it leaves whole. */
function titled<T>(cases: T[], title: (c: T) => string): [string, T][] {
  return cases.map((c) => [title(c), c]);
}

/**
 * Sends a request on a connection of its own, closed afterwards. Oversized bodies go this way:
 * Tower answers 413 before reading them and drops the socket, which must not break the
 * keep-alive connection a later test would reuse.
 */
function postOnOwnConnection(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string>,
  { keepAlive = false, chunked = false } = {},
): Promise<ApiResponse> {
  // A keep-alive agent asks the server to keep the connection; without one Node asks it to close.
  const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
  return new Promise<ApiResponse>((resolve, reject) => {
    const request = http.request(
      baseUrl + path,
      {
        method: 'POST',
        agent,
        // Without a content-length Node sends the body chunked, its size known only at the end.
        headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(name, String(value));
          resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    // The server may drop the socket while the rest of the body is still being written.
    request.on('error', reject);
    if (chunked) {
      for (let at = 0; at < body.length; at += 1000) request.write(body.slice(at, at + 1000));
      request.end();
    } else request.end(body);
  }).finally(() => {
    if (agent) agent.destroy();
  });
}

/** What a case starts from: a stocked product nobody else orders and a customer nobody else is. */
interface Fixture {
  sku: string;
  email: string;
  warehouseId: string;
  body: Body;
}

/** One request as a client could send it; `raw` is sent byte for byte. */
interface Attempt {
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string | null;
  server?: 'small-limit';
  ownConnection?: boolean;
}

interface BadOrder {
  name: string;
  status: number;
  type: string;
  /** The `errors[].path` values the problem must name (exactly); omitted when there are none to name. */
  paths?: string[];
  attempt: (f: Fixture) => Attempt | Promise<Attempt>;
}

/** A valid body with one change applied. */
const changed = (change: (body: Body) => void) => (f: Fixture): Attempt => {
  const body = structuredClone(f.body);
  change(body);
  return { body };
};

const quantity = (value: unknown): BadOrder => ({
  name: `a quantity of ${JSON.stringify(value)}`,
  status: 422,
  type: 'validation',
  paths: ['lines.0.quantity'],
  attempt: changed((b) => (b.lines[0].quantity = value)),
});

const currency = (value: string): BadOrder => ({
  name: `currency ${value}`,
  status: 422,
  type: 'validation',
  paths: ['currency'],
  attempt: changed((b) => (b.currency = value)),
});

const nonObject = (raw: string): BadOrder => ({
  name: `a JSON body that is not an object: ${raw}`,
  status: 422,
  type: 'validation',
  paths: ['(body)'],
  attempt: () => ({ raw }),
});

const badOrders: BadOrder[] = [
  {
    name: 'an unknown SKU',
    status: 422,
    type: 'validation',
    paths: ['lines.0.sku'],
    attempt: changed((b) => (b.lines[0].sku = unique('NO-SUCH-SKU'))),
  },
  quantity(0),
  quantity(-1),
  quantity(1.5),
  quantity(1e9),
  quantity('2'),
  {
    name: 'more than 500 lines',
    status: 422,
    type: 'validation',
    paths: ['lines'],
    attempt: changed((b) => (b.lines = Array.from({ length: 501 }, (_, i) => ({ sku: `LINE-${i}`, quantity: 1 })))),
  },
  {
    name: 'a product that is no longer sold',
    status: 422,
    type: 'validation',
    paths: ['lines.0.sku'],
    attempt: async (f) => {
      const patched = await server.api.request('PATCH', `/api/products/${f.sku}`, { active: false });
      expect(patched.status).toBe(200);
      return { body: f.body };
    },
  },
  {
    name: 'an unknown SKU and an unknown promotion code: both named at once',
    status: 422,
    type: 'validation',
    paths: ['lines.1.sku', 'promotionCode'],
    attempt: changed((b) => {
      b.lines.push({ sku: unique('NO-SUCH-SKU'), quantity: 1 });
      b.promotionCode = unique('NOPE').toUpperCase();
    }),
  },
  { name: 'an empty lines array', status: 422, type: 'validation', paths: ['lines'], attempt: changed((b) => (b.lines = [])) },
  {
    name: 'the same SKU on two lines',
    status: 422,
    type: 'validation',
    paths: ['lines.1.sku'],
    attempt: changed((b) => b.lines.push({ sku: b.lines[0].sku, quantity: 1 })),
  },
  { name: 'no customer', status: 422, type: 'validation', paths: ['customer'], attempt: changed((b) => delete b.customer) },
  {
    name: 'a customer email that is not an email',
    status: 422,
    type: 'validation',
    paths: ['customer.email'],
    attempt: changed((b) => (b.customer.email = 'ada-at-example.com')),
  },
  {
    name: 'delivery by ship without a shipping address',
    status: 422,
    type: 'validation',
    paths: ['shippingAddress'],
    attempt: changed((b) => delete b.shippingAddress),
  },
  {
    name: 'a shipping address without a city',
    status: 422,
    type: 'validation',
    paths: ['shippingAddress.city'],
    attempt: changed((b) => delete b.shippingAddress.city),
  },
  {
    name: 'a country that is not an ISO alpha-2 code',
    status: 422,
    type: 'validation',
    paths: ['shippingAddress.country'],
    attempt: changed((b) => (b.shippingAddress.country = 'USA')),
  },
  {
    name: 'a latitude without a longitude',
    status: 422,
    type: 'validation',
    paths: ['shippingAddress.lat'],
    attempt: changed((b) => delete b.shippingAddress.lon),
  },
  currency('XXX'),
  currency('usd'),
  currency('EURO'),
  {
    name: 'a product priced in another currency than the order',
    status: 422,
    type: 'validation',
    paths: ['lines.0.sku'],
    attempt: async (f) => {
      const euro = await createProduct(server.api, { currency: 'EUR' });
      await addStock(server.api, euro.sku, f.warehouseId, 10);
      const body = structuredClone(f.body);
      body.lines = [{ sku: euro.sku, quantity: 1 }];
      return { body };
    },
  },
  { name: 'an unknown top-level field', status: 422, type: 'validation', paths: ['foo'], attempt: changed((b) => (b.foo = 'bar')) },
  {
    name: 'an unknown field inside the customer',
    status: 422,
    type: 'validation',
    paths: ['customer.phone'],
    attempt: changed((b) => (b.customer.phone = '555-0100')),
  },
  {
    name: 'a client-chosen unit price on a line',
    status: 422,
    type: 'validation',
    paths: ['lines.0.unitPriceCents'],
    attempt: changed((b) => (b.lines[0].unitPriceCents = 1)),
  },
  { name: 'an unknown channel', status: 422, type: 'validation', paths: ['channel'], attempt: changed((b) => (b.channel = 'fax')) },
  {
    name: 'pickup without a pickup location',
    status: 422,
    type: 'validation',
    paths: ['delivery.pickupLocationId'],
    attempt: changed((b) => (b.delivery = { method: 'pickup' })),
  },
  {
    name: 'pickup at a warehouse, which is not a store',
    status: 422,
    type: 'validation',
    paths: ['delivery.pickupLocationId'],
    attempt: (f) => changed((b) => (b.delivery = { method: 'pickup', pickupLocationId: f.warehouseId }))(f),
  },
  {
    name: 'pickup at a location that does not exist',
    status: 422,
    type: 'validation',
    paths: ['delivery.pickupLocationId'],
    attempt: changed((b) => (b.delivery = { method: 'pickup', pickupLocationId: randomUUID() })),
  },
  {
    name: 'an unknown delivery service',
    status: 422,
    type: 'validation',
    paths: ['delivery.service'],
    attempt: changed((b) => (b.delivery = { method: 'ship', service: 'overnight' })),
  },
  {
    name: 'invoice payment on the web channel',
    status: 422,
    type: 'validation',
    paths: ['payment.method'],
    attempt: changed((b) => (b.payment = { method: 'invoice' })),
  },
  {
    name: 'a card payment without a token',
    status: 422,
    type: 'validation',
    paths: ['payment.token'],
    attempt: changed((b) => (b.payment = { method: 'card' })),
  },
  {
    name: 'an unknown promotion code',
    status: 422,
    type: 'validation',
    paths: ['promotionCode'],
    attempt: changed((b) => (b.promotionCode = unique('NOPE').toUpperCase())),
  },
  {
    name: 'a client-computed totals field',
    status: 422,
    type: 'validation',
    paths: ['totals'],
    attempt: changed((b) => (b.totals = { subtotal: 1, discount: 0, tax: 0, shipping: 0, total: 1 })),
  },
  {
    name: 'no Idempotency-Key header',
    status: 422,
    type: 'validation',
    paths: ['idempotency-key'],
    attempt: (f) => ({ body: f.body, idempotencyKey: null }),
  },
  {
    name: 'an Idempotency-Key shorter than 8 characters',
    status: 422,
    type: 'validation',
    paths: ['idempotency-key'],
    attempt: (f) => ({ body: f.body, idempotencyKey: 'short' }),
  },
  {
    name: 'malformed JSON',
    status: 400,
    type: 'bad_request',
    attempt: (f) => ({ raw: JSON.stringify(f.body).slice(0, -10) }),
  },
  {
    name: 'a JSON body sent as text/plain',
    status: 415,
    type: 'bad_request',
    attempt: (f) => ({ raw: JSON.stringify(f.body), headers: { 'content-type': 'text/plain' } }),
  },
  {
    name: 'a body over the default 1 MB limit',
    status: 413,
    type: 'payload_too_large',
    attempt: (f) => ({ body: { ...f.body, padding: 'x'.repeat(1_100_000) }, ownConnection: true }),
  },
  {
    name: 'a body over a configured 2,000-byte limit',
    status: 413,
    type: 'payload_too_large',
    attempt: (f) => ({ body: { ...f.body, padding: 'x'.repeat(2500) }, server: 'small-limit', ownConnection: true }),
  },
  nonObject('[]'),
  nonObject('"x"'),
  nonObject('null'),
];

describe('POST /api/orders refuses bad input and writes nothing', () => {
  it.each(titled(badOrders, (c) => `${c.name} → ${c.status} ${c.type}`))('%s', async (_title, badOrder) => {
    const { product, location } = await stockedProduct(server.api, 10);
    const email = uniqueEmail('bad-input');
    const body = orderBody([{ sku: product.sku, quantity: 2 }], { customer: { email, name: 'Ada Lovelace' } });
    const attempt = await badOrder.attempt({ sku: product.sku, email, warehouseId: location.id, body });

    const key = attempt.idempotencyKey === undefined ? randomUUID() : attempt.idempotencyKey;
    const headers: Record<string, string> = { ...(key === null ? {} : { 'idempotency-key': key }), ...attempt.headers };
    const target = attempt.server === 'small-limit' ? smallLimitServer : server;
    const response = attempt.ownConnection
      ? await postOnOwnConnection(target.url, '/api/orders', attempt.raw ?? JSON.stringify(attempt.body), headers)
      : await target.api.request('POST', '/api/orders', attempt.raw ?? attempt.body, headers);

    expectProblem(response, badOrder.status, badOrder.type, badOrder.paths);
    expect(await orderFootprint(server.pool, { email, sku: product.sku })).toEqual({
      orders: 0,
      customers: 0,
      orderLines: 0,
      reserved: 0,
      onHand: 10,
      ledgerReasons: ['receipt'],
      orderEvents: 0,
    });
    if (key !== null) {
      const stored = await server.pool.query('select 1 from idempotency_keys where key = $1', [key]);
      expect(stored.rowCount).toBe(0);
    }
  });
});

it('a 413 tells a keep-alive client to close the connection, since the server drops it without reading the body', async () => {
  const response = await postOnOwnConnection(server.url, '/api/products', JSON.stringify({ name: 'x'.repeat(1_100_000) }), {}, { keepAlive: true });
  expect(response.status).toBe(413);
  expect(response.headers.get('connection')).toBe('close');
});

describe('a chunked body (no content-length) is measured as it arrives', () => {
  it('over the limit it is a 413 payload_too_large and nothing is written', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const email = uniqueEmail('chunked-over');
    const body = { ...orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email, name: 'Ada Lovelace' } }), padding: 'x'.repeat(2500) };
    const response = await postOnOwnConnection(smallLimitServer.url, '/api/orders', JSON.stringify(body), { ...server.api.defaults, 'idempotency-key': randomUUID() }, { chunked: true });
    expectProblem(response, 413, 'payload_too_large');
    expect((await orderFootprint(server.pool, { email, sku: product.sku })).orders).toBe(0);
  });

  it('within the limit the order is placed as usual', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const body = orderBody([{ sku: product.sku, quantity: 1 }], { customer: { email: uniqueEmail('chunked-ok'), name: 'Ada Lovelace' } });
    const response = await postOnOwnConnection(server.url, '/api/orders', JSON.stringify(body), { ...server.api.defaults, 'idempotency-key': randomUUID() }, { chunked: true });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.lines).toMatchObject([{ sku: product.sku, quantity: 1 }]);
  });
});

describe('catalog and inventory writes refuse bad input and write nothing', () => {
  const badProducts: { name: string; change: Body; paths: string[] }[] = [
    { name: 'a SKU with spaces', change: { sku: 'has spaces' }, paths: ['sku'] },
    { name: 'a negative price', change: { priceCents: -1 }, paths: ['priceCents'] },
    { name: 'a price in fractions of a cent', change: { priceCents: 19.99 }, paths: ['priceCents'] },
    { name: 'a lower-case currency', change: { currency: 'usd' }, paths: ['currency'] },
    { name: 'an empty name', change: { name: '   ' }, paths: ['name'] },
    { name: 'a negative weight', change: { weightGrams: -5 }, paths: ['weightGrams'] },
    { name: 'an unknown field', change: { color: 'red' }, paths: ['color'] },
    { name: 'a missing category', change: { category: undefined }, paths: ['category'] },
  ];

  it.each(titled(badProducts, (c) => `POST /api/products with ${c.name} → 422 naming ${c.paths.join(', ')}`))('%s', async (_title, { change, paths }) => {
    const sku = unique('BAD-PRODUCT');
    const name = unique('Bad product');
    const response = await server.api.post('/api/products', {
      sku,
      name,
      category: 'apparel',
      priceCents: 1999,
      currency: 'USD',
      weightGrams: 250,
      ...change,
    });
    expectProblem(response, 422, 'validation', paths);
    const { rows } = await server.pool.query('select count(*)::int as n from products where sku = $1 or name = $2', [sku, name]);
    expect(rows[0].n).toBe(0);
  });

  const badLocations: { name: string; change: Body; paths: string[] }[] = [
    { name: 'an unknown kind', change: { kind: 'depot' }, paths: ['kind'] },
    { name: 'a latitude above 90', change: { lat: 91 }, paths: ['lat'] },
    { name: 'a longitude below -180', change: { lon: -181 }, paths: ['lon'] },
    { name: 'a negative daily capacity', change: { dailyCapacity: -1 }, paths: ['dailyCapacity'] },
    { name: 'a code with spaces', change: { code: 'has spaces' }, paths: ['code'] },
    { name: 'a lower-case country', change: { country: 'us' }, paths: ['country'] },
    { name: 'an unknown field', change: { manager: 'Grace' }, paths: ['manager'] },
    { name: 'no coordinates', change: { lat: undefined, lon: undefined }, paths: ['lat', 'lon'] },
  ];

  it.each(titled(badLocations, (c) => `POST /api/locations with ${c.name} → 422 naming ${c.paths.join(', ')}`))('%s', async (_title, { change, paths }) => {
    const code = unique('BAD-LOC');
    const name = unique('Bad location');
    const response = await server.api.post('/api/locations', {
      code,
      name,
      kind: 'warehouse',
      lat: 32.78,
      lon: -96.8,
      dailyCapacity: 1000,
      ...change,
    });
    expectProblem(response, 422, 'validation', paths);
    const { rows } = await server.pool.query('select count(*)::int as n from locations where code = $1 or name = $2', [code, name]);
    expect(rows[0].n).toBe(0);
  });

  interface StockFixture {
    sku: string;
    locationId: string;
  }
  const badAdjustments: { name: string; adjustment: (f: StockFixture) => Body; paths: string[] }[] = [
    { name: 'a delta of 0', adjustment: (f) => ({ ...f, delta: 0, reason: 'count' }), paths: ['delta'] },
    { name: 'a fractional delta', adjustment: (f) => ({ ...f, delta: 1.5, reason: 'count' }), paths: ['delta'] },
    { name: 'a delta taking on hand below zero', adjustment: (f) => ({ ...f, delta: -11, reason: 'damage' }), paths: ['delta'] },
    {
      name: 'a delta taking on hand below what orders reserved',
      // 10 on hand, 4 reserved by the order placed below: removing 7 leaves 3 < 4.
      adjustment: (f) => ({ ...f, delta: -7, reason: 'shrinkage' }),
      paths: ['delta'],
    },
    { name: 'an unknown SKU', adjustment: (f) => ({ ...f, sku: unique('NO-SUCH-SKU'), delta: 5, reason: 'receipt' }), paths: ['sku'] },
    { name: 'an unknown location', adjustment: (f) => ({ ...f, locationId: randomUUID(), delta: 5, reason: 'receipt' }), paths: ['locationId'] },
    { name: 'a location id that is not a uuid', adjustment: (f) => ({ ...f, locationId: 'DAL-1', delta: 5, reason: 'receipt' }), paths: ['locationId'] },
    { name: 'an unknown reason', adjustment: (f) => ({ ...f, delta: 5, reason: 'found-it' }), paths: ['reason'] },
    { name: 'a reason only orders may use', adjustment: (f) => ({ ...f, delta: 5, reason: 'reservation' }), paths: ['reason'] },
    { name: 'no reason', adjustment: (f) => ({ ...f, delta: 5 }), paths: ['reason'] },
  ];

  it.each(titled(badAdjustments, (c) => `POST /api/inventory/adjustments with ${c.name} → 422 naming ${c.paths.join(', ')}`))('%s', async (_title, { adjustment, paths }) => {
    const { product, location } = await stockedProduct(server.api, 10);
    await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 4 }]));
    const ledgerBefore = await server.pool.query('select count(*)::int as n from inventory_ledger where sku = $1', [product.sku]);

    const response = await server.api.post('/api/inventory/adjustments', adjustment({ sku: product.sku, locationId: location.id }));

    expectProblem(response, 422, 'validation', paths);
    const inventory = await server.api.get(`/api/inventory?sku=${product.sku}`);
    expect(inventory.body).toEqual([{ sku: product.sku, locationId: location.id, onHand: 10, reserved: 4, safetyStock: 0, available: 6, bin: null }]);
    const ledgerAfter = await server.pool.query('select count(*)::int as n from inventory_ledger where sku = $1', [product.sku]);
    expect(ledgerAfter.rows[0].n).toBe(ledgerBefore.rows[0].n);
  });

  it('setting safety stock where the SKU has no stock record is a 422 that creates none', async () => {
    const product = await createProduct(server.api);
    const location = await createLocation(server.api);
    const response = await server.api.request('PUT', `/api/inventory/levels/${product.sku}/${location.id}/safety-stock`, { safetyStock: 3 });
    expectProblem(response, 422, 'validation', ['sku']);
    expect((await server.api.get(`/api/inventory?sku=${product.sku}`)).body).toEqual([]);
  });

  it('a negative safety stock is a 422 naming safetyStock', async () => {
    const { product, location } = await stockedProduct(server.api, 5);
    const response = await server.api.request('PUT', `/api/inventory/levels/${product.sku}/${location.id}/safety-stock`, { safetyStock: -1 });
    expectProblem(response, 422, 'validation', ['safetyStock']);
  });
});

describe('reading orders with bad parameters', () => {
  const badQueries: { name: string; query: string; paths: string[] }[] = [
    { name: 'a cursor that is not base64 JSON', query: 'cursor=not-a-cursor', paths: ['cursor'] },
    {
      name: 'a cursor of the wrong shape',
      query: `cursor=${Buffer.from(JSON.stringify({ placedAt: 'yesterday' })).toString('base64url')}`,
      paths: ['cursor'],
    },
    {
      name: 'a cursor with a bad id',
      query: `cursor=${Buffer.from(JSON.stringify([new Date().toISOString(), "x' or 1=1 --"])).toString('base64url')}`,
      paths: ['cursor'],
    },
    { name: 'a limit of 0', query: 'limit=0', paths: ['limit'] },
    { name: 'a limit above 200', query: 'limit=201', paths: ['limit'] },
    { name: 'a limit that is not a number', query: 'limit=ten', paths: ['limit'] },
    { name: 'a fractional limit', query: 'limit=1.5', paths: ['limit'] },
    { name: 'an unknown status', query: 'status=lost', paths: ['status'] },
    { name: 'an unknown channel', query: 'channel=fax', paths: ['channel'] },
    { name: 'a from that is not a date', query: 'from=last-week', paths: ['from'] },
    { name: 'an unknown parameter', query: 'colour=red', paths: ['colour'] },
  ];

  it.each(titled(badQueries, (c) => `GET /api/orders with ${c.name} → 422 naming ${c.paths.join(', ')}`))('%s', async (_title, { query, paths }) => {
    expectProblem(await server.api.get(`/api/orders?${query}`), 422, 'validation', paths);
  });

  it('GET /api/orders/<unknown uuid> is a 404 not_found', async () => {
    expectProblem(await server.api.get(`/api/orders/${randomUUID()}`), 404, 'not_found');
  });

  it('GET /api/orders/<unknown number> is a 404 not_found', async () => {
    expectProblem(await server.api.get('/api/orders/T999999999999'), 404, 'not_found');
  });
});

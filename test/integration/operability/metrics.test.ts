import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import { expectStatus, orderBody, placeOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { RealtimeClients } from '../realtime/realtime-client.ts';

let server: TestServer;
let scraper: ApiClient;
let clients: RealtimeClients;

beforeAll(async () => {
  server = await startTestServer();
  scraper = await server.tokenClient(['service']);
  clients = new RealtimeClients(server.url);
});
afterEach(() => clients.closeAll());
afterAll(() => server.close());

async function scrape(): Promise<string> {
  const response = await scraper.get('/metrics');
  expectStatus(response, 200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body as string;
}

/** The value of one sample line, e.g. `orders_placed_total{channel="web"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts a placed order by channel and times the request under its route pattern', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const key = randomUUID();
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const placed = expectStatus(await placeOrder(server.api, body, key), 201);
    // A repeat of the same request returns the first order: nothing new was placed.
    expectStatus(await placeOrder(server.api, body, key), 200);
    const orderId = (placed.body as { id: string }).id;
    expectStatus(await server.api.get(`/api/orders/${orderId}`), 200);

    const text = await scrape();
    expect(sample(text, 'orders_placed_total{channel="web"}')).toBe(1);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/orders",status="201"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/orders",status="200"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/orders",status="201"}')).toBe(1);
    // The pattern, never the raw path: one series for every order.
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/orders/:id",status="200"}')).toBe(1);
    expect(text).not.toContain(orderId);
  });

  it('labels a request that matched no route as unmatched', async () => {
    expectStatus(await server.api.get(`/api/no-such-thing/${randomUUID()}`), 404);
    expect(sample(await scrape(), 'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
  });

  it('reports socket.io connections and the process metrics', async () => {
    const { token } = (await server.api.post('/api/tokens', { name: `socket ${randomUUID()}`, roles: ['service'] })).body as { token: string };
    await clients.connect({ auth: { token } });
    await clients.connect({ auth: { token } });
    const text = await scrape();
    expect(sample(text, 'socketio_connections')).toBe(2);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('exposes the relay metrics that analytics/relay updates', async () => {
    server.metrics.relay.batches.inc({ outcome: 'ok' });
    server.metrics.relay.events.inc(250);
    server.metrics.relay.lagMs.set(42);
    server.metrics.relay.clickhouseInsertSeconds.observe(0.03);
    const text = await scrape();
    expect(sample(text, 'relay_batches_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'relay_events_total')).toBe(250);
    expect(sample(text, 'relay_lag_ms')).toBe(42);
    expect(sample(text, 'clickhouse_insert_seconds_count')).toBe(1);
  });

  it('needs metrics:read: anonymous gets 401, a planner 403, service and admin tokens 200', async () => {
    const anonymous = await server.anonymous.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await server.anonymous.with({ authorization: `Bearer tower_${randomUUID()}` }).get('/metrics')).status).toBe(401);
    const planner = await (await server.tokenClient(['planner'])).get('/metrics');
    expect(planner.status).toBe(403);
    expect((planner.body as { type: string }).type).toBe('forbidden');
    expect((await server.api.get('/metrics')).status).toBe(200);
  });

  it('is in the OpenAPI document with its permission and a text/plain answer', async () => {
    const doc = expectStatus(await server.anonymous.get('/api/openapi.json'), 200).body as {
      paths: Record<string, Record<string, { 'x-permission': string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const operation = doc.paths['/metrics']?.['get'];
    expect(operation?.['x-permission']).toBe('metrics:read');
    expect(Object.keys(operation?.responses['200']?.content ?? {})).toEqual(['text/plain']);
  });
});

describe('one registry per app', () => {
  it('keeps two servers in one process apart', async () => {
    const other = await startTestServer();
    try {
      const text = expectStatus(await (await other.tokenClient(['service'])).get('/metrics'), 200).body as string;
      expect(sample(text, 'orders_placed_total{channel="web"}')).toBeUndefined();
      expect(text).not.toContain('route="/api/orders"');
    } finally {
      await other.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBody, placeOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('structured logs', () => {
  it('write one JSON line per request carrying the request id the client sees', async () => {
    const response = await server.api.get('/api/health', { 'x-request-id': 'trace-abc-123' });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const line = server.logs.find((l) => l.requestId === 'trace-abc-123');
    expect(line).toMatchObject({ method: 'GET', path: '/api/health', status: 200, msg: 'request' });
  });

  it('invent a request id when the client sends none or a malformed one', async () => {
    const response = await server.api.get('/api/health', { 'x-request-id': 'bad id with spaces' });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.some((l) => l.requestId === id)).toBe(true);
  });

  it('never contain payment tokens, whatever happens to the order', async () => {
    const { product } = await stockedProduct(server.api, 5);
    const secretToken = 'tok_live_secret_4242424242424242';
    await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { payment: { method: 'card', token: secretToken } }));
    await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 99 }], { payment: { method: 'card', token: secretToken } }));
    await placeOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    const everything = JSON.stringify(server.logs);
    expect(everything).not.toContain(secretToken);
    expect(server.logs.length).toBeGreaterThan(3);
  });
});

import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TowerClient, TowerError, type SentRequest } from '#server/simulator/driver/tower-client.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in HTTP server answering each request with `answer`, keeping what it received. */
async function serve(answer: (req: IncomingMessage, body: string, res: ServerResponse, n: number) => void) {
  const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(req, body, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers }).end(JSON.stringify(body));
}

describe('TowerClient', () => {
  it('sends the token, the moment as x-tower-as-of and the Idempotency-Key, and retries a 5xx with the same key', async () => {
    const { url, received } = await serve((_req, _body, res, n) => (n === 1 ? json(res, 503, { type: 'payment_unavailable', detail: 'later' }) : json(res, 201, { id: 'o-1' })));
    const sent: SentRequest[] = [];
    const client = new TowerClient({ baseUrl: url, auth: { token: 'tower_abc' }, concurrency: 2, historical: true, onRequest: (r) => sent.push(r) });
    const response = await client.request<{ id: string }>('POST', '/api/orders', { body: { a: 1 }, asOf: Date.UTC(2026, 10, 3, 14), idempotencyKey: 'SIM-1' });
    expect(response).toEqual({ status: 201, body: { id: 'o-1' } });
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r.headers.authorization).toBe('Bearer tower_abc');
      expect(r.headers['x-tower-as-of']).toBe('2026-11-03T14:00:00.000Z');
      expect(r.headers['idempotency-key']).toBe('SIM-1');
      expect(JSON.parse(r.body)).toEqual({ a: 1 });
    }
    expect(client.requestsSent).toBe(2);
    expect(sent).toEqual([{ method: 'POST', path: '/api/orders', body: { a: 1 }, asOf: '2026-11-03T14:00:00.000Z', status: 201, ms: expect.any(Number) }]);
    client.close();
  });

  it('leaves the moment out unless historical, and surfaces a 4xx problem at once as a TowerError', async () => {
    const { url, received } = await serve((_req, _body, res) => json(res, 409, { type: 'out_of_stock', detail: 'No stock of X', errors: [{ path: 'lines.0' }] }));
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 1, historical: false });
    const error = await client.request('POST', '/api/orders', { body: {}, asOf: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TowerError);
    expect(error).toMatchObject({ status: 409, type: 'out_of_stock', detail: 'No stock of X', errors: [{ path: 'lines.0' }] });
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['x-tower-as-of']).toBeUndefined();
    client.close();
  });

  it('waits out a 429 as Retry-After says without counting it as a failed attempt', async () => {
    const { url, received } = await serve((_req, _body, res, n) => (n <= 3 ? json(res, 429, { type: 'rate_limited' }, { 'retry-after': '0.01' }) : json(res, 200, { ok: true })));
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 1, historical: false, attempts: 2 });
    expect((await client.request('GET', '/api/orders')).status).toBe(200);
    expect(received).toHaveLength(4);
    client.close();
  });

  it('signs a carrier event with the HMAC of its raw body, with the token but no as-of header', async () => {
    const { url, received } = await serve((_req, _body, res) => json(res, 200, { duplicate: false }));
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 1, historical: true });
    await client.carrierEvent('national-parcel', 'secret-secret-secret', { eventId: 'e1' });
    expect(received[0]!.url).toBe('/api/carriers/national-parcel/events');
    expect(received[0]!.headers.authorization).toBe('Bearer t');
    expect(received[0]!.headers['x-tower-as-of']).toBeUndefined();
    expect(received[0]!.body).toBe('{"eventId":"e1"}');
    expect(received[0]!.headers['x-tower-signature']).toBe(`sha256=${createHmac('sha256', 'secret-secret-secret').update('{"eventId":"e1"}').digest('hex')}`);
    client.close();
  });

  it('signs in again once when a session has ended, and repeats the request with the new cookie', async () => {
    let logins = 0;
    const { url, received } = await serve((req, _body, res) => {
      if (req.url === '/api/auth/login') {
        logins++;
        return json(res, 200, { csrfToken: `csrf-${logins}` }, { 'set-cookie': `tower_session=s${logins}; Path=/; HttpOnly` });
      }
      if (req.headers.cookie === 'tower_session=s1') return json(res, 401, { type: 'unauthorized' });
      return json(res, 200, { claimed: [] });
    });
    const tokenClient = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 4, historical: true });
    const floor = await tokenClient.signIn('floor@example.com', 'pw');
    const answers = await Promise.all([1, 2, 3].map(() => floor.request('POST', '/api/fulfillment/pick-claims', { body: {} })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(logins).toBe(2);
    const retried = received.filter((r) => r.url === '/api/fulfillment/pick-claims' && r.headers.cookie === 'tower_session=s2');
    expect(retried).toHaveLength(3);
    expect(retried.every((r) => r.headers['x-csrf-token'] === 'csrf-2')).toBe(true);
    tokenClient.close();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '#server/auth/actor.ts';
import type { Credentials, Resolution } from '#server/auth/resolve-actor.ts';
import { createLogger } from '#server/logger.ts';
import { attachRealtime, type RealtimeHub } from '#server/realtime/realtime-hub.ts';
import { collect, disconnected, next, RealtimeClients, whoami } from './realtime-client.ts';

/** The hub on a bare HTTP server, with a resolver whose answers each test sets. */
const actors = new Map<string, Actor>();
let failing = false;
const resolver = {
  async resolve(credentials: Credentials): Promise<Resolution> {
    if (failing) throw new Error('database unreachable');
    const actor = credentials.bearer === undefined ? undefined : actors.get(credentials.bearer);
    return actor ? { actor } : { actor: null, reason: 'The API token is not valid' };
  },
};

function token(name: string, roles: Actor['roles']): string {
  actors.set(name, { kind: 'token', id: name, label: name, roles, channels: null, expiresAt: null });
  return name;
}

let http: Server;
let hub: RealtimeHub;
let clients: RealtimeClients;

beforeAll(async () => {
  http = createServer((_req, res) => res.end('plain http'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  // A long interval: these tests call `recheck()` themselves.
  hub = attachRealtime(http, { resolver, logger: createLogger('silent'), sessionCookie: 'tower_session', recheckMs: 60_000 });
  clients = new RealtimeClients(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
afterEach(() => {
  clients.closeAll();
  failing = false;
});
afterAll(async () => {
  await hub.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

describe('the realtime hub', () => {
  it('sends an order event only to sockets in the orders room', async () => {
    const reader = await clients.connect({ auth: { token: token('reader', ['service']) } });
    const outsider = await clients.connect({ auth: { token: token('outsider', []) } });
    expect((await whoami(outsider)).rooms).toEqual([]);
    const outsiderSaw = collect(outsider, 'order:event');

    const event = { eventId: 'e1', type: 'order.placed' as const, orderId: 'o1', aggregateType: 'order', aggregateId: 'o1', occurredAt: new Date().toISOString() };
    const arrived = next(reader, 'order:event');
    hub.emitOrderEvent(event);
    expect(await arrived).toEqual(event);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outsiderSaw).toEqual([]);
  });

  it('moves a socket between rooms when its roles change, at the re-check', async () => {
    const name = token('changing', ['service']);
    const socket = await clients.connect({ auth: { token: name } });
    expect((await whoami(socket)).rooms).not.toContain('kpis');
    token(name, ['planner']);
    await hub.recheck();
    expect((await whoami(socket)).rooms).toContain('kpis');
    token(name, []);
    await hub.recheck();
    expect((await whoami(socket)).rooms).toEqual([]);
  });

  it('refuses with "unavailable" when credentials cannot be checked, and keeps open sockets then', async () => {
    const socket = await clients.connect({ auth: { token: token('steady', ['admin']) } });
    failing = true;
    const error = await clients.refusal({ auth: { token: 'steady' } });
    expect(error.data.type).toBe('unavailable');
    await hub.recheck();
    expect(socket.connected).toBe(true);
  });

  it('refuses a non-string auth.token', async () => {
    expect((await clients.refusal({ auth: { token: 42 } })).data).toEqual({ type: 'unauthorized', detail: expect.any(String) });
  });

  it('close() disconnects every socket and leaves the HTTP server serving', async () => {
    const extraHttp = createServer((_req, res) => res.end('still here'));
    await new Promise<void>((resolve) => extraHttp.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(extraHttp.address() as AddressInfo).port}`;
    const extraHub = attachRealtime(extraHttp, { resolver, logger: createLogger('silent'), sessionCookie: 'tower_session' });
    const extraClients = new RealtimeClients(url);
    const socket = await extraClients.connect({ auth: { token: token('closing', ['admin']) } });
    const gone = disconnected(socket);
    await extraHub.close();
    expect(await gone).toMatch(/disconnect|close/);
    expect(extraHub.connectionCount()).toBe(0);
    expect(await (await fetch(url)).text()).toBe('still here');
    extraClients.closeAll();
    await new Promise<void>((resolve) => extraHttp.close(() => resolve()));
  });
});

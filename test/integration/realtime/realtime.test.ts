import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rolesAllow, roles, type Role } from '#server/auth/permissions.ts';
import type { OrderEventMessage } from '#server/realtime/realtime-hub.ts';
import { roomPermissions } from '#server/realtime/rooms.ts';
import { signIn, type ApiClient } from '#test/support/api-client.ts';
import { createLocation, expectStatus, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { collect, disconnected, next, RealtimeClients, whoami } from './realtime-client.ts';

let server: TestServer;
let clients: RealtimeClients;

beforeAll(async () => {
  server = await startTestServer({ realtimeRecheckMs: 200 });
  clients = new RealtimeClients(server.url);
});
afterEach(() => clients.closeAll());
afterAll(() => server.close());

/** The rooms the permission table gives these roles (no location rooms). */
function expectedRooms(held: Role[]): string[] {
  return Object.entries(roomPermissions)
    .filter(([, action]) => rolesAllow(held, action))
    .map(([room]) => room)
    .sort();
}

const tokenOf = (client: ApiClient) => client.defaults.authorization!.replace(/^Bearer /, '');
const PASSWORD = 'correct horse battery';

async function newUser(userRoles: Role[], locationIds?: string[]) {
  const email = `${unique('rt')}@example.com`;
  expectStatus(await server.api.post('/api/users', { email, name: 'Realtime user', password: PASSWORD, roles: userRoles, locationIds }), 201);
  return { email, client: await signIn(server.url, email, PASSWORD) };
}

function orderEvent(): OrderEventMessage {
  const orderId = unique('order');
  return { eventId: unique('evt'), type: 'order.placed', orderId, aggregateType: 'order', aggregateId: orderId, occurredAt: new Date().toISOString(), total: 1 };
}

describe('socket.io authentication', () => {
  it('refuses a connection without credentials', async () => {
    const error = await clients.refusal();
    expect(error.message).toBe('unauthorized');
    expect(error.data).toEqual({ type: 'unauthorized', detail: expect.any(String) });
  });

  it('refuses an unknown token, a malformed Authorization header and a revoked token', async () => {
    expect((await clients.refusal({ auth: { token: 'tower_not-a-token' } })).data.type).toBe('unauthorized');
    expect((await clients.refusal({ extraHeaders: { authorization: 'Basic abc' } })).data.detail).toMatch(/Bearer/);

    const created = expectStatus(await server.api.post('/api/tokens', { name: unique('revoked'), roles: ['service'] }), 201).body as { id: string; token: string };
    const connected = await clients.connect({ auth: { token: created.token } });
    const ended = next(connected, 'session:ended');
    const gone = disconnected(connected);
    expectStatus(await server.api.post(`/api/tokens/${created.id}/revoke`), 200);

    const refused = await clients.refusal({ auth: { token: created.token } });
    expect(refused.message).toBe('unauthorized');
    expect(refused.data.detail).toMatch(/revoked/);
    // …and the socket that was already open is closed at the next re-check.
    expect((await ended).detail).toMatch(/revoked/);
    expect(await gone).toBe('io server disconnect');
  });

  it.each(roles)('a token with role %s joins the rooms the permission table gives it', async (role) => {
    const token = tokenOf(await server.tokenClient([role]));
    const me = await whoami(await clients.connect({ auth: { token } }));
    expect(me.actor).toEqual({ kind: 'token', label: expect.any(String), roles: [role] });
    expect(me.rooms).toEqual(expectedRooms([role]));
  });

  it('takes the token from an Authorization header too', async () => {
    const client = await server.tokenClient(['planner']);
    const me = await whoami(await clients.connect({ extraHeaders: { authorization: client.defaults.authorization! } }));
    expect(me.rooms).toEqual(expectedRooms(['planner']));
  });

  it('accepts the session cookie (over polling and websocket)', async () => {
    const { email, client } = await newUser(['manager']);
    const socket = await clients.connect({ transports: ['polling', 'websocket'], extraHeaders: { cookie: client.defaults.cookie! } });
    const me = await whoami(socket);
    expect(me.actor).toEqual({ kind: 'user', label: email, roles: ['manager'] });
    expect(me.rooms).toEqual(expectedRooms(['manager']));
  });

  it('refuses a session cookie sent from another origin', async () => {
    const { client } = await newUser(['manager']);
    const error = await clients.refusal({ extraHeaders: { cookie: client.defaults.cookie!, origin: 'https://evil.example' } });
    expect(error.data).toEqual({ type: 'unauthorized', detail: expect.stringMatching(/origin/) });
    // The page's own origin is fine.
    await clients.connect({ extraHeaders: { cookie: client.defaults.cookie!, origin: server.url } });
  });

  it('disconnects a session socket at the re-check after logout', async () => {
    const { client } = await newUser(['staff']);
    const socket = await clients.connect({ extraHeaders: { cookie: client.defaults.cookie! } });
    const ended = next(socket, 'session:ended');
    const gone = disconnected(socket);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(await ended).toEqual({ type: 'unauthorized', detail: expect.stringMatching(/session/) });
    expect(await gone).toBe('io server disconnect');
    expect((await clients.refusal({ extraHeaders: { cookie: client.defaults.cookie! } })).message).toBe('unauthorized');
  });

  it('keeps sockets whose credentials stay valid across re-checks', async () => {
    const socket = await clients.connect({ auth: { token: tokenOf(await server.tokenClient(['planner'])) } });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(socket.connected).toBe(true);
    expect((await whoami(socket)).rooms).toEqual(expectedRooms(['planner']));
  });
});

describe('socket.io rooms', () => {
  it('puts staff limited to a location in its location room', async () => {
    const location = await createLocation(server.api);
    const { client } = await newUser(['staff'], [location.id]);
    const socket = await clients.connect({ extraHeaders: { cookie: client.defaults.cookie! } });
    const me = await whoami(socket);
    // Not room `alerts`, which carries every location's alerts: only its own, through its room.
    expect(me.rooms).toEqual([...expectedRooms(['staff']).filter((r) => r !== 'alerts'), `location:${location.id}`].sort());

    const unlimited = await clients.connect({ auth: { token: tokenOf(await server.tokenClient(['staff'])) } });
    const unlimitedAlerts = collect(unlimited, 'alert');
    const alert = { id: unique('alert'), rule: 'stockout_risk', severity: 'high', state: 'open' };
    const received = next(socket, 'alert');
    server.realtime.emitToLocation(location.id, 'alert', alert);
    expect(await received).toEqual(alert);
    expect(unlimitedAlerts).toEqual([]);
  });

  it('sends order events to the orders room and KPI snapshots to the kpis room only', async () => {
    const everyRole = await Promise.all(
      roles.map(async (role) => ({ role, socket: await clients.connect({ auth: { token: tokenOf(await server.tokenClient([role])) } }) })),
    );
    const seen = everyRole.map(({ role, socket }) => ({ role, events: collect(socket, 'order:event'), kpis: collect(socket, 'kpis') }));
    const inRoom = (room: keyof typeof roomPermissions) => seen.filter(({ role }) => rolesAllow([role], roomPermissions[room]));
    // Make sure the test can see an exclusion: some role must lack analytics.
    expect(inRoom('kpis').length).toBeLessThan(roles.length);

    const event = orderEvent();
    const snapshot = { orders: 3, revenueCents: 12_000 };
    const arrivals = [...inRoom('orders').map((s) => next(everyRole.find((e) => e.role === s.role)!.socket, 'order:event'))];
    const kpiArrivals = [...inRoom('kpis').map((s) => next(everyRole.find((e) => e.role === s.role)!.socket, 'kpis'))];
    server.realtime.emitOrderEvent(event);
    server.realtime.emitKpis(snapshot);
    expect(await Promise.all(arrivals)).toEqual(inRoom('orders').map(() => event));
    expect(await Promise.all(kpiArrivals)).toEqual(inRoom('kpis').map(() => snapshot));
    await new Promise((resolve) => setTimeout(resolve, 100));

    for (const { role, events, kpis } of seen) {
      expect(events, role).toEqual(rolesAllow([role], roomPermissions.orders) ? [event] : []);
      expect(kpis, role).toEqual(rolesAllow([role], roomPermissions.kpis) ? [snapshot] : []);
    }
  });
});

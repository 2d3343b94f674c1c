import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import type { OrderEventMessage } from '#server/realtime/realtime-hub.ts';
import { unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { collect, next, RealtimeClients, whoami } from './realtime-client.ts';

/**
 * Two Tower instances on one database, as behind a load balancer: socket.io broadcasts go
 * through PostgreSQL (LISTEN/NOTIFY), so a client on B receives what A emits. The channel
 * is this file's own: other test files' servers share the database but not the broadcasts.
 */
const channel = `tower_test_${randomBytes(6).toString('hex')}`;
const cluster = { channel, heartbeatMs: 200 };

let a: TestServer;
let b: TestServer;
let onA: RealtimeClients;
let onB: RealtimeClients;

const tokenOf = (client: ApiClient) => client.defaults.authorization!.replace(/^Bearer /, '');

function orderEvent(extra: Record<string, unknown> = {}): OrderEventMessage {
  const orderId = unique('order');
  return { eventId: unique('evt'), type: 'order.placed', orderId, aggregateType: 'order', aggregateId: orderId, occurredAt: new Date().toISOString(), ...extra };
}

/** Both instances heard from each other, so each is listening. */
async function clustered(...servers: TestServer[]) {
  await vi.waitFor(
    async () => {
      for (const server of servers) expect(await server.realtime.serverCount()).toBe(servers.length);
    },
    { timeout: 10_000, interval: 50 },
  );
}

beforeAll(async () => {
  [a, b] = await Promise.all([startTestServer({ realtimeCluster: cluster }), startTestServer({ realtimeCluster: cluster })]);
  onA = new RealtimeClients(a.url);
  onB = new RealtimeClients(b.url);
  await clustered(a, b);
});
afterEach(() => {
  onA.closeAll();
  onB.closeAll();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('socket.io across two instances', () => {
  it('delivers an order event emitted by A to a socket connected to B (and to A own sockets)', async () => {
    const reader = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
    const local = await onA.connect({ auth: { token: tokenOf(await a.tokenClient(['service'])) } });
    expect((await whoami(reader)).rooms).toContain('orders');

    const event = orderEvent({ total: 1999 });
    const onReader = next(reader, 'order:event');
    const onLocal = next(local, 'order:event');
    a.realtime.emitOrderEvent(event);
    expect(await onReader).toEqual(event);
    expect(await onLocal).toEqual(event);
  });

  it('keeps rooms: a socket on B outside the room gets nothing', async () => {
    const planner = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['planner'])) } });
    const service = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
    expect((await whoami(planner)).rooms).toContain('kpis');
    expect((await whoami(service)).rooms).not.toContain('kpis');
    const serviceSaw = collect(service, 'kpis');

    const arrived = next(planner, 'kpis');
    a.realtime.emitKpis({ orders: 3 });
    expect(await arrived).toEqual({ orders: 3 });
    // An order event sent afterwards reaches the service socket: had kpis been sent to it, it would have come first.
    const later = next(service, 'order:event');
    a.realtime.emitOrderEvent(orderEvent());
    await later;
    expect(serviceSaw).toEqual([]);
  });

  it('carries an event larger than a NOTIFY payload (through socket_io_attachments)', async () => {
    const reader = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
    const event = orderEvent({ note: 'x'.repeat(20_000) });
    const arrived = next(reader, 'order:event');
    a.realtime.emitOrderEvent(event);
    expect(await arrived).toEqual(event);
  });

  it('does not reach an instance on another channel of the same database', async () => {
    const other = await startTestServer({ realtimeCluster: { channel: `${channel}_other` } });
    const elsewhere = new RealtimeClients(other.url);
    try {
      const stranger = await elsewhere.connect({ auth: { token: tokenOf(await other.tokenClient(['service'])) } });
      const strangerSaw = collect(stranger, 'order:event');
      const reader = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
      const arrived = next(reader, 'order:event');
      a.realtime.emitOrderEvent(orderEvent());
      await arrived;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(strangerSaw).toEqual([]);
      expect(await other.realtime.serverCount()).toBe(1);
    } finally {
      elsewhere.closeAll();
      await other.close();
    }
  });

  it('survives its LISTEN connections being terminated (a database restart) and listens again', async () => {
    const listening = `LISTEN "${channel}#/"`;
    const killed = await a.pool.query<{ pid: number }>('select pg_terminate_backend(pid) as pid from pg_stat_activity where query = $1', [listening]);
    expect(killed.rowCount).toBe(2);
    const reader = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
    const seen = collect(reader, 'order:event');
    // The adapter reconnects after 1 to 3 s; until then broadcasts between instances are lost.
    await vi.waitFor(
      () => {
        a.realtime.emitOrderEvent(orderEvent());
        expect(seen.length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 200 },
    );
    // The dead connections went back to their pools instead of holding a slot each (other
    // queries of the servers may hold a connection for a moment, hence the wait).
    await vi.waitFor(() => {
      for (const server of [a, b]) expect(server.pool.totalCount - server.pool.idleCount).toBeLessThanOrEqual(1);
    });
  });

  it('closing one instance disconnects only its own sockets', async () => {
    const third = await startTestServer({ realtimeCluster: cluster });
    await clustered(a, b, third);
    const onThird = new RealtimeClients(third.url);
    try {
      const leaving = await onThird.connect({ auth: { token: tokenOf(await third.tokenClient(['service'])) } });
      const staying = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
      const left = new Promise((resolve) => leaving.once('disconnect', resolve));
      await third.close();
      await left;
      await clustered(a, b);
      expect(staying.connected).toBe(true);
      const arrived = next(staying, 'order:event');
      a.realtime.emitOrderEvent(orderEvent());
      await arrived;
    } finally {
      onThird.closeAll();
    }
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { startLivePush, type KpiWindow, type LivePush } from '#analytics/live/live-push.ts';
import { runRelay, type RelayBatch, type RelayEvents, type RelayHandle } from '#analytics/relay/relay.ts';
import { ApiClient } from '#test/support/api-client.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { freePort } from '#test/support/free-port.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';
import { maxOutboxId, memoryLogger, openTestClickHouse, rows } from '../analytics/clickhouse-fixture.ts';
import { collect, RealtimeClients, whoami } from './realtime-client.ts';

/**
 * Live push: the relay inserts a batch into ClickHouse, then each order event of it goes to
 * socket.io clients as `order:event` and a `kpis` snapshot follows (at most one a second).
 * Real PostgreSQL, real embedded ClickHouse, real socket.io over HTTP.
 */
const { logger } = memoryLogger();
const tokenOf = (client: ApiClient) => client.defaults.authorization!.replace(/^Bearer /, '');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A test-only KPI source: placed orders in the window, read from ClickHouse (the real one is computeKpis). */
function placedOrdersIn(clickhouse: ClickHouseClient) {
  return async (window: KpiWindow) => {
    const [row] = await rows<{ orders: string }>(
      clickhouse,
      "SELECT uniqExact(order_id) AS orders FROM order_events WHERE type = 'order.placed' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at <= {to:DateTime64(3, 'UTC')}",
      { from: window.from.getTime() / 1000, to: window.to.getTime() / 1000 },
    );
    return { orders: Number(row!.orders), freshAsOf: window.to };
  };
}

/** A relay into a fresh embedded ClickHouse database, with live push onto `server`'s hub. */
async function relayWithLivePush(server: TestServer): Promise<{ clickhouse: ClickHouseClient; relay: RelayHandle; live: LivePush }> {
  const ch = await openTestClickHouse();
  const relay = runRelay({ db: server.db, pool: server.pool, clickhouse: ch.client, logger, lingerMs: 0, leaderRetryMs: 50 });
  const live = startLivePush({ hub: server.realtime, relay, logger, kpis: placedOrdersIn(ch.client) });
  cleanups.push(async () => {
    await live.stop();
    await relay.stop();
    await ch.client.close();
  });
  // The new store is fed from the first outbox event: let it catch up before the test acts.
  await relay.untilRelayed(await maxOutboxId(server.pool), 60_000);
  return { clickhouse: ch.client, relay, live };
}

async function startServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  cleanups.push(() => server.close());
  return server;
}

function clientsOf(server: TestServer): RealtimeClients {
  const clients = new RealtimeClients(server.url);
  cleanups.push(() => clients.closeAll());
  return clients;
}

describe('live push', () => {
  it('sends every event of an order placed over HTTP as order:event once it is in ClickHouse, then a kpis snapshot', async () => {
    const server = await startServer();
    const { clickhouse } = await relayWithLivePush(server);
    const clients = clientsOf(server);
    const service = await clients.connect({ auth: { token: tokenOf(await server.tokenClient(['service'])) } });
    const planner = await clients.connect({ auth: { token: tokenOf(await server.tokenClient(['planner'])) } });
    expect((await whoami(service)).rooms).toContain('orders');
    expect((await whoami(planner)).rooms).toContain('kpis');

    const { location, product } = await stockedProduct(server.api, 5, { priceCents: 1_500 });
    const events = collect(service, 'order:event');
    const snapshots = collect(planner, 'kpis');
    // Each event, when it arrives, must already be in ClickHouse.
    const inClickHouse: Promise<boolean>[] = [];
    service.on('order:event', (event) => {
      inClickHouse.push(
        rows<{ n: string }>(clickhouse, 'SELECT count() AS n FROM order_events WHERE event_uuid = {id:UUID}', { id: event.eventId }).then(([r]) => r!.n === '1'),
      );
    });
    const order = (await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }], { channel: 'phone' }))) as Awaited<ReturnType<typeof placedOrder>> & {
      totals: { total: number };
      createdAt: string;
    };

    await vi.waitFor(() => expect(events.filter((e) => e.orderId === order.id)).toHaveLength(3), { timeout: 10_000, interval: 20 });
    const mine = events.filter((e) => e.orderId === order.id);
    expect(mine.map((e) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated']);
    const [placed, authorized, allocated] = mine;
    expect(placed).toMatchObject({ channel: 'phone', currency: 'USD', status: 'placed', amountCents: order.totals.total, units: 2, locationId: null });
    expect(placed!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(placed!.occurredAt).toISOString()).toBe(new Date(order.createdAt).toISOString());
    expect(authorized).toMatchObject({ amountCents: order.totals.total, status: null });
    expect(allocated).toMatchObject({ channel: 'phone', status: 'allocated', locationId: location.id, units: 2, amountCents: null });
    expect(Number(allocated!.sequence)).toBeGreaterThan(Number(placed!.sequence));
    expect(await Promise.all(inClickHouse)).not.toContain(false);

    await vi.waitFor(() => expect(snapshots.some((s) => (s.orders as number) >= 1)).toBe(true), { timeout: 5_000, interval: 20 });
    // The order timeline names the same events.
    const timeline = (await server.api.get(`/api/orders/${order.id}`)).body.events as unknown[];
    expect(timeline.length).toBeGreaterThanOrEqual(3);
  });

  it('throttles kpis snapshots: a burst of batches within a second gives at most two, idle gives none', async () => {
    const server = await startServer();
    const clients = clientsOf(server);
    const planner = await clients.connect({ auth: { token: tokenOf(await server.tokenClient(['planner'])) } });
    const source = new EventEmitter<RelayEvents>();
    const windows: KpiWindow[] = [];
    const live = startLivePush({
      hub: server.realtime,
      relay: source,
      logger,
      kpis: async (window) => {
        windows.push(window);
        return { orders: windows.length, freshAsOf: window.to };
      },
    });
    cleanups.push(() => live.stop());
    const snapshots: { at: number; orders: number }[] = [];
    planner.on('kpis', (s) => snapshots.push({ at: Date.now(), orders: s.orders as number }));

    const started = Date.now();
    for (let i = 0; i < 20; i += 1) {
      source.emit('batch', fakeBatch(i));
      await sleep(45);
    }
    // 20 batches in ~0.9 s: one snapshot at once, one trailing snapshot a second after it.
    await sleep(1_600);
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots.length).toBeLessThanOrEqual(2);
    expect(snapshots[0]!.at - started).toBeLessThan(1_000);
    if (snapshots.length === 2) expect(snapshots[1]!.at - snapshots[0]!.at).toBeGreaterThanOrEqual(950);
    // The window is the last 24 hours, ending now.
    expect(windows[0]!.to.getTime() - windows[0]!.from.getTime()).toBe(24 * 3_600_000);
    expect(Math.abs(windows[0]!.to.getTime() - started)).toBeLessThan(1_000);

    // Idle: nothing more.
    const settled = snapshots.length;
    await sleep(1_500);
    expect(snapshots).toHaveLength(settled);
    expect(windows).toHaveLength(settled);

    // The next batch after a quiet spell is answered at once again.
    const woke = Date.now();
    source.emit('batch', fakeBatch(99));
    await vi.waitFor(() => expect(snapshots).toHaveLength(settled + 1), { timeout: 2_000, interval: 10 });
    expect(snapshots[settled]!.at - woke).toBeLessThan(500);
    expect(live.stats()).toMatchObject({ snapshots: settled + 1, snapshotFailures: 0 });
  });

  it('does not push stale events of a backlog one by one, and survives a failing KPI query', async () => {
    const pushed: unknown[] = [];
    const source = new EventEmitter<RelayEvents>();
    let fail = true;
    const snapshots: unknown[] = [];
    const live = startLivePush({
      hub: { emitOrderEvent: (e) => pushed.push(e), emitKpis: (s) => snapshots.push(s) },
      relay: source,
      logger,
      intervalMs: 100,
      kpis: async () => {
        if (fail) throw new Error('ClickHouse is down');
        return { orders: 1 };
      },
    });
    cleanups.push(() => live.stop());
    source.emit('batch', fakeBatch(1, new Date(Date.now() - 10 * 60_000)));
    source.emit('batch', fakeBatch(2));
    expect(pushed).toHaveLength(1);
    await vi.waitFor(() => expect(live.stats().snapshotFailures).toBe(1));
    fail = false;
    source.emit('batch', fakeBatch(3));
    await vi.waitFor(() => expect(snapshots).toEqual([{ orders: 1 }]));
    expect(live.stats()).toMatchObject({ events: 2, skipped: 1, snapshots: 1, snapshotFailures: 1 });
  });

  it('two instances: the relay runs on A, a client on B receives the order events and kpis of an order placed on B', async () => {
    const cluster = { channel: `tower_test_${randomBytes(6).toString('hex')}`, heartbeatMs: 200 };
    const [a, b] = await Promise.all([startServer({ realtimeCluster: cluster }), startServer({ realtimeCluster: cluster })]);
    await vi.waitFor(async () => {
      expect(await a.realtime.serverCount()).toBe(2);
      expect(await b.realtime.serverCount()).toBe(2);
    }, { timeout: 10_000, interval: 50 });
    await relayWithLivePush(a);
    const onB = clientsOf(b);
    const service = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['service'])) } });
    const planner = await onB.connect({ auth: { token: tokenOf(await b.tokenClient(['planner'])) } });
    const events = collect(service, 'order:event');
    const snapshots = collect(planner, 'kpis');

    const { product } = await stockedProduct(b.api, 3);
    const order = await placedOrder(b.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    // Through the cluster adapter each event is its own NOTIFY, sent on whichever pool
    // connection is free: they can arrive out of order, and `sequence` gives the order back.
    const bySequence = () =>
      events
        .filter((e) => e.orderId === order.id)
        .sort((x, y) => Number(x.sequence) - Number(y.sequence))
        .map((e) => e.type);
    await vi.waitFor(() => expect(bySequence()).toEqual(['order.placed', 'payment.authorized', 'order.allocated']), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(snapshots.length).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
    expect(b.realtime.connectionCount()).toBe(2);
    expect(a.realtime.connectionCount()).toBe(0);
  });
});

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-live-'));
  chmodSync(dataDir, 0o755);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('pushes order:event and a kpis snapshot (the GET /api/kpis shape) to socket.io clients for an order placed over HTTP', async () => {
    const helper = await startServer();
    const tower = spawnTower({ DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir, PORT: String(await freePort()), SIMULATE: 'off', RELAY_LINGER_MS: '10' });
    cleanups.push(async () => {
      if (tower.child.exitCode === null) {
        tower.child.kill('SIGTERM');
        await tower.exited;
      }
    });
    await waitForHealthy(tower, 60_000);
    const clients = new RealtimeClients(tower.url);
    cleanups.push(() => clients.closeAll());
    const service = await clients.connect({ auth: { token: tokenOf(await helper.tokenClient(['service'])) } });
    const planner = await clients.connect({ auth: { token: tokenOf(await helper.tokenClient(['planner'])) } });
    const events = collect(service, 'order:event');
    const snapshots = collect(planner, 'kpis');
    const { product } = await stockedProduct(helper.api, 3);
    // Placed through the spawned server itself.
    const api = new ApiClient(tower.url, helper.api.defaults);
    const order = await placedOrder(api, orderBody([{ sku: product.sku, quantity: 1 }]));
    await vi.waitFor(() => expect(events.some((e) => e.orderId === order.id && e.type === 'order.placed')).toBe(true), { timeout: 30_000, interval: 50 });
    await vi.waitFor(() => expect(snapshots.length).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
    const snapshot = snapshots.at(-1)!;
    for (const field of ['deliveryTimeHours', 'fulfillmentCostCents', 'returnRate', 'orders', 'revenueCents', 'onTimeRate', 'backorderRate', 'cancellationRate', 'pipelineLagMs', 'freshAsOf']) {
      expect(snapshot).toHaveProperty(field);
    }
    expect(snapshot.orders as number).toBeGreaterThanOrEqual(1);
  });
});

function fakeBatch(i: number, occurredAt = new Date()): RelayBatch {
  return {
    target: 'test',
    generation: 1,
    fromId: i,
    toId: i + 1,
    insertMs: 1,
    totalMs: 1,
    events: [{ id: i + 1, eventId: randomUUID(), type: 'order.placed', aggregateType: 'order', aggregateId: randomUUID(), occurredAt, payload: { channel: 'web', totals: { total: 100 } } }],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

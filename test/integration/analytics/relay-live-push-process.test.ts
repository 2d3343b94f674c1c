import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { EMBEDDED_DATABASE } from '#db/client.ts';
import { runningEmbeddedPostgresUrl } from '#db/embedded-postgres.ts';
import type { OrderEventMessage } from '#server/realtime/realtime-hub.ts';
import { signIn } from '#test/support/api-client.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { freePort } from '#test/support/free-port.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';
import { collect, RealtimeClients, whoami } from '../realtime/realtime-client.ts';

/**
 * `npm start` with RELAY=off and `npm run relay` beside it, as two processes. The server runs
 * its own embedded PostgreSQL (so no other test's broadcasts share its channel); the relay
 * joins that PostgreSQL and feeds an embedded ClickHouse of its own folder.
 */
const towerDir = mkdtempSync(path.join(tmpdir(), 'tower-live-relay-'));
const relayDir = mkdtempSync(path.join(tmpdir(), 'tower-live-relay-ch-'));
chmodSync(towerDir, 0o755);
chmodSync(relayDir, 0o755);
afterAll(() => {
  rmSync(towerDir, { recursive: true, force: true });
  rmSync(relayDir, { recursive: true, force: true });
});

const ADMIN = { email: 'live.relay.admin@example.com', password: 'a long enough admin password' };

function spawnRelay(databaseUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'analytics/relay/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl, DATA_DIR: relayDir, LOG_LEVEL: 'info', RELAY_LINGER_MS: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, output: () => output };
}

it('a standalone relay pushes order:event and kpis to the socket.io clients of an npm start instance', async () => {
  const tower = spawnTower({
    DATA_DIR: towerDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    SIMULATE: 'off',
    RELAY: 'off',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const clients = new RealtimeClients(tower.url);
  let relay: ReturnType<typeof spawnRelay> | undefined;
  try {
    await waitForHealthy(tower);
    const admin = await signIn(tower.url, ADMIN.email, ADMIN.password);
    const socket = await clients.connect({ extraHeaders: { cookie: admin.defaults.cookie! } });
    expect((await whoami(socket)).rooms).toEqual(expect.arrayContaining(['orders', 'kpis']));
    const events = collect(socket, 'order:event');
    const snapshots = collect(socket, 'kpis');

    const { product } = await stockedProduct(admin, 5);
    const order = await placedOrder(admin, orderBody([{ sku: product.sku, quantity: 2 }]));
    // The server relays nothing (RELAY=off): its clients get nothing until the relay runs.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(events).toEqual([]);

    const databaseUrl = runningEmbeddedPostgresUrl(towerDir, EMBEDDED_DATABASE);
    expect(databaseUrl).toBeDefined();
    relay = spawnRelay(databaseUrl!);
    const ofOrder = () => events.filter((e: OrderEventMessage) => e.orderId === order.id);
    await vi.waitFor(() => expect(ofOrder().map((e) => e.type)).toContain('order.placed'), { timeout: 30_000, interval: 100 });
    expect(ofOrder().find((e) => e.type === 'order.placed')).toMatchObject({ aggregateType: 'order', channel: 'web', units: 2 });
    // A snapshot of the relay's own store, which holds this order.
    await vi.waitFor(() => expect(snapshots.some((s) => typeof s['orders'] === 'number' && s['orders'] >= 1)).toBe(true), { timeout: 15_000, interval: 100 });
    expect(snapshots.at(-1)).toMatchObject({ pipelineLagMs: expect.any(Number), freshAsOf: expect.any(String) });

    relay.child.kill('SIGTERM');
    expect(await relay.exited, relay.output().slice(-3000)).toBe(0);
    expect(relay.output()).toContain('live push on');
  } finally {
    clients.closeAll();
    if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
    tower.child.kill('SIGTERM');
    expect(await tower.exited, tower.output().slice(-3000)).toBe(0);
  }
});

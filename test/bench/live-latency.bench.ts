/**
 * Commit-to-client latency of live push: orders placed over HTTP at a constant rate against a
 * real Tower process (relay on, embedded ClickHouse), a socket.io-client signed in with a
 * `service` token receives `order:event`. For each order, latency = the time its
 * `order.placed` event reaches the client − the time the POST's 201 answer reached the bench
 * (the commit is acknowledged then: the order is written before the answer is sent). Both
 * clocks are the bench's. Also reported: the same against the event's `occurredAt` (taken by
 * Tower when it starts writing the order, so it also counts the payment and the write).
 * Prints ONE JSON line on stdout; progress on stderr. Settings: DATABASE_URL,
 * BENCH_LIVE_RATE (orders/s, default 200), BENCH_MEASURE_SECONDS (default 15).
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '#server/realtime/realtime-hub.ts';
import { freePort } from '#test/support/free-port.ts';
import { waitForHealthy, type TowerProcess } from '#test/support/tower-process.ts';
import { benchAdmin, createBenchTokens } from './support/bench-auth.ts';
import { createBenchDatabase, DEFAULT_SERVER_URL, type BenchDatabase } from './support/bench-database.ts';
import { KeepAliveClient } from './support/http-load.ts';
import { summarizeLatencies } from './support/percentiles.ts';
import { orderRequest, seedCatalog } from './support/seed-catalog.ts';
import { benchServerEnv, releaseBenchServer, spawnTowerServer } from './support/tower-server.ts';
import { runBenchMain } from './support/bench-main.ts';

const TARGETS = { p99MsBelow: 1_000 };
const rate = Number(process.env.BENCH_LIVE_RATE ?? 200);
const measureMs = Number(process.env.BENCH_MEASURE_SECONDS ?? 15) * 1000;
if (!(rate > 0) || !(measureMs >= 1_000)) throw new Error('BENCH_LIVE_RATE must be > 0 and BENCH_MEASURE_SECONDS at least 1');
const settings = { warmupMs: 3_000, products: 200, stockPerLevel: 1_000_000, waitForEventsMs: 15_000 };

const progress = (message: string) => process.stderr.write(`[live-latency] ${message}\n`);
/** Wall-clock milliseconds with sub-millisecond resolution. */
const now = () => performance.timeOrigin + performance.now();

let database: BenchDatabase | undefined;
let tower: TowerProcess | undefined;
let client: KeepAliveClient | undefined;
let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
let dataDir: string | undefined;

async function cleanUp(): Promise<void> {
  socket?.close();
  client?.close();
  await releaseBenchServer({ tower, dataDir, database }, progress);
}

interface Placed {
  answeredAt: number;
}

/** Places orders at `rate`/s for `durationMs` (open loop); calls `onPlaced` with each 201's order id. */
async function placeAtRate(load: KeepAliveClient, next: () => ReturnType<typeof orderRequest>, durationMs: number, onPlaced: (id: string, answeredAt: number) => void) {
  const total = Math.floor((rate * durationMs) / 1000);
  const intervalMs = 1000 / rate;
  const start = performance.now();
  const pending = new Set<Promise<void>>();
  const errors: string[] = [];
  let failed = 0;
  for (let issued = 0; issued < total && !load.closed; ) {
    while (issued < total && start + issued * intervalMs <= performance.now()) {
      const inFlight: Promise<void> = load
        .send(next(), true)
        .then((response) => {
          const answeredAt = now();
          if (response.status !== 201) throw new Error(`${response.status} ${response.text.slice(0, 200)}`);
          onPlaced((JSON.parse(response.text) as { id: string }).id, answeredAt);
        })
        .catch((error: unknown) => {
          failed += 1;
          if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
        })
        .finally(() => pending.delete(inFlight));
      pending.add(inFlight);
      issued += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + issued * intervalMs - performance.now())));
  }
  await Promise.all(pending);
  return { failed, errors };
}

async function measure() {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  database = await createBenchDatabase(serverUrl);
  progress(`created ${database.name} on PostgreSQL ${database.serverVersion}`);
  dataDir = mkdtempSync(path.join(tmpdir(), 'tower-bench-live-'));
  const port = await freePort();
  const admin = benchAdmin();
  tower = spawnTowerServer({
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    SIMULATE: 'off',
    LOG_LEVEL: 'warn',
    ...benchServerEnv(),
  });
  await waitForHealthy(tower, 120_000);
  progress(`Tower is up on port ${port} (pid ${tower.child.pid}), relay on, embedded ClickHouse in ${dataDir}`);

  const tokens = await createBenchTokens(tower.url, admin);
  const seedClient = new KeepAliveClient(port, 16, { headers: { authorization: `Bearer ${tokens.admin}` } });
  const catalog = await seedCatalog(seedClient, { products: settings.products, stockPerLevel: settings.stockPerLevel, concurrency: 16 });
  seedClient.close();
  progress(`seeded ${catalog.skus.length} products at ${catalog.locationIds.length} locations`);

  socket = io(tower.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token: tokens.service } });
  await new Promise<void>((resolve, reject) => {
    socket!.once('connect', resolve);
    socket!.once('connect_error', reject);
  });
  const received = new Map<string, { at: number; occurredAt: number }>();
  let eventsReceived = 0;
  socket.on('order:event', (event) => {
    eventsReceived += 1;
    if (event.type === 'order.placed' && event.orderId) received.set(event.orderId, { at: now(), occurredAt: Date.parse(event.occurredAt) });
  });
  progress('socket.io client connected (service token, room orders)');

  client = new KeepAliveClient(port, 64, { headers: { authorization: `Bearer ${tokens.service}` } });
  const next = () => orderRequest(catalog);
  progress(`warm-up: ${rate} orders/s for ${settings.warmupMs / 1000} s`);
  await placeAtRate(client, next, settings.warmupMs, () => undefined);

  const placed = new Map<string, Placed>();
  progress(`measuring: ${rate} orders/s for ${measureMs / 1000} s`);
  const eventsBefore = eventsReceived;
  const load = await placeAtRate(client, next, measureMs, (id, answeredAt) => placed.set(id, { answeredAt }));
  const waitUntil = Date.now() + settings.waitForEventsMs;
  while (Date.now() < waitUntil && [...placed.keys()].some((id) => !received.has(id))) await new Promise((resolve) => setTimeout(resolve, 50));

  const fromAnswer: number[] = [];
  const fromOccurred: number[] = [];
  let missing = 0;
  let beforeAnswer = 0;
  for (const [id, order] of placed) {
    const event = received.get(id);
    if (!event) {
      missing += 1;
      continue;
    }
    if (event.at < order.answeredAt) beforeAnswer += 1;
    fromAnswer.push(event.at - order.answeredAt);
    fromOccurred.push(event.at - event.occurredAt);
  }
  const latency = summarizeLatencies(fromAnswer);
  const sinceOccurred = summarizeLatencies(fromOccurred);
  progress(`latency from the 201 answer: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms; ${missing} missing, ${load.failed} failed`);
  if (load.errors.length > 0) progress(`errors: ${load.errors.join(' | ')}`);

  return {
    bench: 'live-latency',
    date: new Date().toISOString(),
    postgres: database.serverVersion,
    ordersPerSec: rate,
    measuredSeconds: measureMs / 1000,
    orders: placed.size,
    failedOrders: load.failed,
    missingEvents: missing,
    latencyFrom: 'the 201 answer of POST /api/orders reaching the bench',
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    targets: TARGETS,
    pass: load.failed === 0 && missing === 0 && placed.size > 0 && latency.p99Ms < TARGETS.p99MsBelow,
    details: {
      fromAnswer: latency,
      fromOccurredAt: sinceOccurred,
      eventsArrivedBeforeTheAnswer: beforeAnswer,
      orderEventsReceived: eventsReceived - eventsBefore,
      cores: availableParallelism(),
      errorSamples: load.errors,
    },
  };
}

await runBenchMain({ measure, cleanUp, progress, serverOutput: () => tower?.output() });

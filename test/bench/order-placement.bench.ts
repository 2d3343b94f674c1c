/**
 * Order placement over HTTP against a real PostgreSQL, next to pgbench's rate for the same
 * writes as plain SQL on the same machine in the same run. Prints ONE JSON line on stdout;
 * progress goes to stderr. Settings: DATABASE_URL (a server to create a scratch database on),
 * BENCH_CONCURRENCY (default 16), BENCH_MEASURE_SECONDS (default 15), BENCH_SERVER_NODE_ARGS
 * (node flags for the Tower process only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/tower-prof"),
 * BENCH_SERVER_ENV (extra environment of the Tower process, e.g. "ORDER_WRITE_CONCURRENCY=1").
 * Tower starts with a first admin (ADMIN_EMAIL / ADMIN_PASSWORD); the bench signs in as it,
 * seeds with an admin API token and places the orders with a `service` token, as an
 * integration would.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '#test/support/free-port.ts';
import { waitForHealthy, type TowerProcess } from '#test/support/tower-process.ts';
import { benchAdmin, createBenchTokens } from './support/bench-auth.ts';
import { committedTransactions, createBenchDatabase, DEFAULT_SERVER_URL, type BenchDatabase } from './support/bench-database.ts';
import { closedLoop, KeepAliveClient, openLoop, type RunStats } from './support/http-load.ts';
import { round, summarizeLatencies } from './support/percentiles.ts';
import { preparePgbench, runPgbench, type PgbenchResult } from './support/pgbench.ts';
import { openCpuWindow, type CpuWindow } from './support/resource-usage.ts';
import { orderRequest, seedCatalog } from './support/seed-catalog.ts';
import { benchServerEnv, releaseBenchServer, spawnTowerServer } from './support/tower-server.ts';
import { runBenchMain } from './support/bench-main.ts';

const TARGETS = { ratioAtLeast: 0.4, p99MsBelow: 50 };
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const measureMs = Number(process.env.BENCH_MEASURE_SECONDS ?? 15) * 1000;
if (!Number.isInteger(concurrency) || concurrency < 1 || !(measureMs >= 1_000)) {
  throw new Error('BENCH_CONCURRENCY must be a whole number ≥ 1 and BENCH_MEASURE_SECONDS at least 1');
}
const settings = { concurrency, warmupMs: 3_000, measureMs, products: 600, stockPerLevel: 1_000_000, poolSize: 20 };
/** pgbench runs with Tower's HTTP concurrency and half of it; the better rate is the yardstick. */
const pgbenchClients = [...new Set([concurrency, Math.max(1, Math.floor(concurrency / 2))])];

const progress = (message: string) => process.stderr.write(`[order-placement] ${message}\n`);

let database: BenchDatabase | undefined;
let dataDir: string | undefined;
let tower: TowerProcess | undefined;
let pool: pg.Pool | undefined;
let client: KeepAliveClient | undefined;
let seedClient: KeepAliveClient | undefined;

/** Stops the server and drops the database, once, whatever happened before. */
async function cleanUp(): Promise<void> {
  seedClient?.close();
  client?.close();
  await pool?.end().catch(() => undefined);
  await releaseBenchServer({ tower, dataDir, database }, progress);
}

function perOrder(cpu: CpuWindow, orders: number) {
  return {
    serverCpuMsPerOrder: round(cpu.serverMs / orders),
    serverKernelCpuMsPerOrder: round(cpu.serverKernelMs / orders),
    postgresCpuMsPerOrder: round(cpu.postgresMs / orders),
    loadGeneratorCpuMsPerOrder: round(cpu.loadGeneratorMs / orders),
    machineBusyPct: round(cpu.machineBusyPct, 1),
  };
}

function reportErrors(phase: string, stats: RunStats) {
  if (stats.errors > 0) progress(`${phase}: ${stats.errors} errors, e.g. ${stats.errorSamples.join(' | ')}`);
}

async function measure() {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  database = await createBenchDatabase(serverUrl);
  progress(`created ${database.name} on PostgreSQL ${database.serverVersion}`);

  const port = await freePort();
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const admin = benchAdmin();
  tower = spawnTowerServer({
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    DATABASE_URL: database.url,
    PORT: String(port),
    SIMULATE: 'off',
    LOG_LEVEL: 'warn',
    PG_POOL_SIZE: String(settings.poolSize),
    // The measured path is order capture: the relay (outbox reads, ClickHouse inserts, live
    // push NOTIFYs) would take CPU from it on the same cores; relay-throughput measures it.
    RELAY: 'off',
    // Likewise the background work that follows an order: releasing it to the floor and sending
    // its confirmation email. The email's queue row is still written with the order (a trigger).
    FULFILLMENT_RELEASE_INTERVAL_MS: '0',
    MAIL_SENDER: 'off',
    // Its embedded ClickHouse (opened even with the relay off) must not land in the checkout.
    DATA_DIR: (dataDir = mkdtempSync(path.join(tmpdir(), 'tower-bench-orders-'))),
    ...benchServerEnv(),
  }, nodeArgs);
  await waitForHealthy(tower, 60_000);
  const serverPid = tower.child.pid!;
  progress(`Tower is up on port ${port} (pid ${serverPid})`);

  const tokens = await createBenchTokens(tower.url, admin);
  seedClient = new KeepAliveClient(port, 16, { headers: { authorization: `Bearer ${tokens.admin}` } });
  const seededAt = Date.now();
  const catalog = await seedCatalog(seedClient, { products: settings.products, stockPerLevel: settings.stockPerLevel, concurrency: 16 });
  seedClient.close();
  client = new KeepAliveClient(port, Math.max(64, concurrency), { headers: { authorization: `Bearer ${tokens.service}` } });
  progress(`seeded ${catalog.locationIds.length} locations, ${catalog.skus.length} products, stock everywhere in ${Date.now() - seededAt} ms`);
  pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'tower-bench' });
  // Statistics for the seeded tables only: an ANALYZE of the still-empty order tables would
  // make PostgreSQL plan their foreign-key checks as sequential scans for the rest of the run.
  await pool.query('analyze locations, products, inventory_levels');

  const next = () => orderRequest(catalog);
  progress(`phase A: closed loop, ${concurrency} connections, ${settings.warmupMs / 1000} s warm-up + ${measureMs / 1000} s`);
  const xactBefore = await committedTransactions(pool, database.name);
  const closeMax = openCpuWindow(serverPid, database.name);
  const max = await closedLoop(client, next, settings);
  const maxCpu = closeMax();
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // backends flush their statistics about once a second
  const xactPerOrder = ((await committedTransactions(pool, database.name)) - xactBefore) / Math.max(1, max.completedOverall);
  const maxRate = max.completed / max.measuredSeconds;
  const maxLatency = summarizeLatencies(max.latenciesMs);
  reportErrors('phase A', max);
  progress(`phase A: ${round(maxRate)} orders/s, p50 ${maxLatency.p50Ms} ms, p99 ${maxLatency.p99Ms} ms, ${max.errors} errors`);

  const halfRate = Math.max(1, maxRate / 2);
  progress(`phase B: open loop at ${round(halfRate)} orders/s for ${measureMs / 1000} s`);
  const closeHalf = openCpuWindow(serverPid, database.name);
  const half = await openLoop(client, next, { ratePerSec: halfRate, durationMs: measureMs, drainMs: 30_000 });
  const halfCpu = closeHalf();
  const halfLatency = summarizeLatencies(half.latenciesMs);
  reportErrors('phase B', half);
  progress(`phase B: p50 ${halfLatency.p50Ms} ms, p99 ${halfLatency.p99Ms} ms, max ${halfLatency.maxMs} ms, ${half.errors} errors`);

  // Tower is idle from here on, so pgbench has the machine to itself as Tower had.
  const setup = await preparePgbench(pool);
  const runs: PgbenchResult[] = [];
  const pgbenchDetails: Record<string, unknown>[] = [];
  for (const clients of pgbenchClients) {
    progress(`pgbench: ${clients} clients, ${measureMs / 1000} s`);
    const closePgbench = openCpuWindow(serverPid, database.name);
    const run = await runPgbench(database.url, setup, { clients, seconds: measureMs / 1000 });
    const cpu = closePgbench();
    runs.push(run);
    if (run.tps === null) {
      progress(`pgbench unavailable: ${run.reason}`);
      pgbenchDetails.push({ clients, reason: run.reason });
      break;
    }
    const transactions = run.tps * (measureMs / 1000);
    pgbenchDetails.push({
      clients,
      tps: round(run.tps),
      failed: run.failed,
      postgresCpuMsPerTransaction: round(cpu.postgresMs / transactions),
      pgbenchCpuMsPerTransaction: round(cpu.endedChildrenMs / transactions),
      machineBusyPct: round(cpu.machineBusyPct, 1),
    });
    progress(`pgbench: ${round(run.tps)} tps, machine ${round(cpu.machineBusyPct, 1)}% busy`);
  }
  const measured = runs.filter((r): r is Extract<PgbenchResult, { tps: number }> => r.tps !== null);
  const best = measured.sort((a, b) => b.tps - a.tps)[0];

  const errors = max.errors + half.errors;
  const ratio = best ? maxRate / best.tps : null;
  return {
    bench: 'order-placement',
    date: new Date().toISOString(),
    postgres: database.serverVersion,
    towerMaxOrdersPerSec: round(maxRate),
    towerConcurrency: concurrency,
    halfRateOrdersPerSec: round(half.completed / half.measuredSeconds),
    p50Ms: halfLatency.p50Ms,
    p99Ms: halfLatency.p99Ms,
    errors,
    pgbenchTps: best ? round(best.tps) : null,
    pgbenchClients: best?.clients ?? null,
    ...(best ? {} : { pgbenchUnavailableReason: runs.map((r) => (r.tps === null ? r.reason : '')).join('; ') || 'no run' }),
    ratioToPgbench: ratio === null ? null : round(ratio, 3),
    targets: TARGETS,
    pass: errors === 0 && ratio !== null && ratio >= TARGETS.ratioAtLeast && halfLatency.p99Ms < TARGETS.p99MsBelow,
    details: {
      atMax: { ...maxLatency, ...perOrder(maxCpu, max.completedOverall), postgresTransactionsPerOrder: round(xactPerOrder) },
      atHalf: { targetRate: round(halfRate), ...halfLatency, ...perOrder(halfCpu, half.completedOverall) },
      pgbenchRuns: pgbenchDetails,
      cores: availableParallelism(),
      pgPoolSize: settings.poolSize,
      errorSamples: [...max.errorSamples, ...half.errorSamples],
    },
  };
}

await runBenchMain({ measure, cleanUp, progress, serverOutput: () => tower?.output() });

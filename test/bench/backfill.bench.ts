/**
 * Backfill speed: the simulator (server/simulator/driver) seeds a business and backfills days
 * of history into a Tower process on a real PostgreSQL, through the public API only — the orders
 * before the last 24 hours imported whole (POST /api/orders/history, each as it stood then), the
 * last 24 hours step by step (orders, cancellations, releases, pick/pack/ship, carrier scans,
 * returns and restocks, each at its historical moment). Prints ONE JSON line on stdout; progress
 * on stderr.
 *
 * Target (issue 6): 60 days of a 2,000-orders-a-day business in under 3 minutes, measured
 * whole (the default). BENCH_BACKFILL_DAYS=N backfills fewer days for a quicker comparison and
 * projects the 60 days from their rate, which cannot pass: the last 24 hours cost the same
 * however few days come before them.
 * Other settings: DATABASE_URL (a server to create a scratch
 * database on), BENCH_ORDERS_PER_DAY (2000), BENCH_CONCURRENCY (the driver's requests in
 * flight, 16), BENCH_KEEP_DATABASE (1: do not drop the scratch database), BENCH_AUTOVACUUM_NAPTIME_SECONDS (how often to
 * do autovacuum's work in its stead when the server has it off, as this machine's CI configuration does: the
 * server's autovacuum_naptime by default; 0 never), BENCH_SERVER_ENV, BENCH_SERVER_NODE_ARGS,
 * BENCH_TOWER_LOG (a file for Tower's whole log).
 *
 * Tower runs as `npm start` would, except: no releases of its own (the driver releases at each
 * historical moment; a release loop would stamp history with today), no e-mails, no relay (the
 * relay-throughput bench measures ClickHouse's side). Like `npm start`'s demo, it evaluates no
 * alert rules while history goes in (they judge the present: history arriving now is not stuck,
 * and the payment-decline rule would read every audit row the backfill wrote, each run):
 * BENCH_SERVER_ENV="ALERT_EVALUATE_INTERVAL_MS=5000" turns them on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSimulation } from '#server/simulator/driver/simulation.ts';
import { freePort } from '#test/support/free-port.ts';
import { waitForHealthy, type TowerProcess } from '#test/support/tower-process.ts';
import { benchAdmin, createBenchToken } from './support/bench-auth.ts';
import { createBenchDatabase, DEFAULT_SERVER_URL, type BenchDatabase } from './support/bench-database.ts';
import { runBenchMain } from './support/bench-main.ts';
import { round } from './support/percentiles.ts';
import { openCpuWindow } from './support/resource-usage.ts';
import { standInAutovacuum } from './support/stand-in-autovacuum.ts';
import { benchServerEnv, releaseBenchServer, spawnTowerServer } from './support/tower-server.ts';

const TARGET = { days: 60, ordersPerDay: 2_000, seconds: 180 };
const days = Number(process.env.BENCH_BACKFILL_DAYS ?? TARGET.days);
const ordersPerDay = Number(process.env.BENCH_ORDERS_PER_DAY ?? TARGET.ordersPerDay);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** How often to do autovacuum's work in its stead when the server has it off (unset: the server's naptime; 0: never). */
const naptimeSeconds = process.env.BENCH_AUTOVACUUM_NAPTIME_SECONDS ? Number(process.env.BENCH_AUTOVACUUM_NAPTIME_SECONDS) : undefined;
if (![days, ordersPerDay, concurrency].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error('BENCH_BACKFILL_DAYS, BENCH_ORDERS_PER_DAY and BENCH_CONCURRENCY must be whole numbers ≥ 1');
}
const CARRIER_SECRET = 'bench-carrier-webhook-secret';
const SEED = 42;

const progress = (message: string) => process.stderr.write(`[backfill] ${message}\n`);

let database: BenchDatabase | undefined;
let dataDir: string | undefined;
let tower: TowerProcess | undefined;

async function cleanUp(): Promise<void> {
  // BENCH_KEEP_DATABASE=1 leaves the scratch database behind, to EXPLAIN the statements on real history.
  const keep = process.env.BENCH_KEEP_DATABASE === '1';
  if (keep && database) progress(`kept ${database.name}`);
  await releaseBenchServer({ tower, dataDir, database: keep ? undefined : database }, progress);
}

async function measure() {
  database = await createBenchDatabase(process.env.DATABASE_URL || DEFAULT_SERVER_URL);
  progress(`created ${database.name} on PostgreSQL ${database.serverVersion}`);
  const port = await freePort();
  const admin = benchAdmin();
  tower = spawnTowerServer(
    {
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      DATABASE_URL: database.url,
      PORT: String(port),
      SIMULATE: 'off',
      LOG_LEVEL: 'warn',
      RELAY: 'off',
      FULFILLMENT_RELEASE_INTERVAL_MS: '0',
      MAIL_SENDER: 'off',
      ALERT_EVALUATE_INTERVAL_MS: '0',
      CARRIER_WEBHOOK_SECRET: CARRIER_SECRET,
      DATA_DIR: (dataDir = mkdtempSync(path.join(tmpdir(), 'tower-bench-backfill-'))),
      ...benchServerEnv(),
    },
    process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  );
  await waitForHealthy(tower, 60_000);
  progress(`Tower is up on port ${port}; backfilling ${days} days of ${ordersPerDay} orders a day`);
  const token = await createBenchToken(tower.url, admin, 'bench simulator', ['admin', 'simulator']);

  const stopAutovacuum = await standInAutovacuum(database.url, naptimeSeconds === undefined ? undefined : naptimeSeconds * 1000, progress);
  const closeCpu = openCpuWindow(tower.child.pid!, database.name);
  let lastReport = 0;
  const summary = await runSimulation({
    baseUrl: tower.url,
    token,
    carrierSecret: CARRIER_SECRET,
    seed: SEED,
    days,
    ordersPerDay,
    concurrency,
    live: false,
    onProgress: (p) => {
      if (Date.now() - lastReport < 5_000) return;
      lastReport = Date.now();
      progress(JSON.stringify(p));
    },
  });
  const cpu = closeCpu();
  const autovacuumStandIn = await stopAutovacuum();
  const seconds = summary.elapsedMs / 1000;
  const ordersPerSecond = summary.ordersPlaced / seconds;
  const whole = days >= TARGET.days && ordersPerDay >= TARGET.ordersPerDay;
  const projectedSeconds = whole ? seconds : (TARGET.days * TARGET.ordersPerDay) / ordersPerSecond;
  progress(
    `${summary.ordersPlaced} orders (${summary.requestsSent} requests) in ${round(seconds)} s; ` +
      (whole ? `the 60 days measured whole` : `60 days would take at least ${round(projectedSeconds)} s (a projection, which cannot pass)`),
  );
  return {
    bench: 'backfill',
    date: new Date().toISOString(),
    settings: { days, ordersPerDay, concurrency, seed: SEED, postgres: database.serverVersion, naptimeSeconds, autovacuumStandIn },
    summary,
    ordersPerSecond: round(ordersPerSecond),
    requestsPerSecond: round(summary.requestsSent / seconds),
    serverCpuMsPerOrder: round(cpu.serverMs / summary.ordersPlaced),
    postgresCpuMsPerOrder: round(cpu.postgresMs / summary.ordersPlaced),
    driverCpuMsPerOrder: round(cpu.loadGeneratorMs / summary.ordersPlaced),
    machineBusyPct: round(cpu.machineBusyPct, 1),
    projected60DaySeconds: round(projectedSeconds),
    measuredWhole: whole,
    target: TARGET,
    pass: whole && seconds < TARGET.seconds,
  };
}

await runBenchMain({ measure, cleanUp, progress, serverOutput: () => tower?.output() });

/**
 * `npm run relay`: the outbox relay as a process of its own (run the servers with RELAY=off).
 *
 *   npm run relay                 relays until SIGTERM / SIGINT
 *   npm run relay -- --drain      relays what the outbox holds now, then exits
 *   npm run relay -- --rebuild    empties ClickHouse, replays the whole outbox, then exits
 *                                 (also: npm run analytics:rebuild)
 *
 * Same configuration as the server (DATABASE_URL or the embedded PostgreSQL in DATA_DIR,
 * joined if a server is running it; CLICKHOUSE_URL or the embedded ClickHouse in DATA_DIR).
 * The embedded ClickHouse belongs to one process: while `npm start` runs on the same
 * DATA_DIR, it is that server's relay that feeds it, and this command says so and exits.
 *
 * Live push: while it relays (not with --drain or --rebuild), each batch it inserts goes to
 * socket.io clients as `order:event` and `kpis` through the PostgreSQL channel the Tower
 * instances share (../live/cluster-publisher.ts), so the clients of every `npm start` instance
 * receive what this process relayed, as when a server's own relay pushes.
 */
import { EMBEDDED_DATABASE, openDatabase, type DatabaseHandle } from '#db/client.ts';
import { runningEmbeddedPostgresUrl, takeOverShutdownSignals } from '#db/embedded-postgres.ts';
import { ConfigError, loadConfig } from '#server/config.ts';
import { createLogger } from '#server/logger.ts';
import { clickHouseOptions, createClickHouse, ensureClickHouseDatabase, type ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { migrateClickHouse } from '#analytics/clickhouse/migrate.ts';
import { computeKpis } from '#analytics/kpis/compute-kpis.ts';
import { startClusterPublisher, type ClusterPublisher } from '#analytics/live/cluster-publisher.ts';
import { startLivePush, type LivePush } from '#analytics/live/live-push.ts';
import { lastOutboxId } from './progress.ts';
import { rebuildClickHouse } from './rebuild.ts';
import { runRelay } from './relay.ts';

const args = process.argv.slice(2);
const unknown = args.filter((arg) => !['--rebuild', '--drain'].includes(arg));
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown[0]}; usage: npm run relay [-- --drain | --rebuild]`);
  process.exit(2);
}
const rebuild = args.includes('--rebuild');
const drain = rebuild || args.includes('--drain');

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL);

let database: DatabaseHandle | undefined;
let clickhouse: ClickHouseClient | undefined;
let kpiClient: ClickHouseClient | undefined;
let publisher: ClusterPublisher | undefined;
let live: LivePush | undefined;
const stop = new AbortController();
takeOverShutdownSignals();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());

try {
  database = await openDatabase({
    // A running Tower owns its embedded cluster; join it rather than start a second one.
    databaseUrl: config.DATABASE_URL ?? runningEmbeddedPostgresUrl(config.DATA_DIR, EMBEDDED_DATABASE),
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_PG_PORT,
    // The relay's own connection, the socket.io adapter's LISTEN, its NOTIFYs, and spares.
    poolSize: 6,
  });
  const options = clickHouseOptions(config);
  clickhouse = createClickHouse(options);
  await ensureClickHouseDatabase(options);
  await migrateClickHouse(clickhouse, { pool: database.pool });
  if (rebuild) await rebuildClickHouse({ pool: database.pool, clickhouse, logger });

  const startedAt = Date.now();
  const upTo = drain ? await lastOutboxId(database.pool) : Infinity;
  const relay = runRelay({
    db: database.db,
    pool: database.pool,
    clickhouse,
    logger,
    batchSize: config.RELAY_BATCH_SIZE,
    lingerMs: config.RELAY_LINGER_MS,
    signal: stop.signal,
  });
  if (!drain) {
    // Its own connection for the KPI snapshots: a connection runs one call at a time, and the relay's is busy inserting.
    const kpis = (kpiClient = createClickHouse(options));
    publisher = startClusterPublisher({ pool: database.pool, logger });
    live = startLivePush({ hub: publisher, relay, logger, kpis: (window) => computeKpis(kpis, window) });
    logger.info('live push on: relayed events and KPI snapshots go to the socket.io clients of every Tower instance');
  }
  if (drain) {
    const from = relay.stats().lastRelayedId;
    const progress = setInterval(() => showProgress(relay.stats().lastRelayedId, from, upTo, startedAt), 500);
    try {
      while (!stop.signal.aborted && relay.stats().lastRelayedId < upTo) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      clearInterval(progress);
    }
    showProgress(relay.stats().lastRelayedId, from, upTo, startedAt);
    if (process.stderr.isTTY) process.stderr.write('\n');
    stop.abort();
  }
  await relay.done;
  const stats = relay.stats();
  const seconds = (Date.now() - startedAt) / 1_000;
  logger.info(
    { events: stats.events, batches: stats.batches, lastRelayedId: stats.lastRelayedId, seconds, eventsPerSecond: Math.round(stats.events / Math.max(seconds, 0.001)) },
    rebuild ? 'rebuild done' : drain ? 'outbox drained' : 'relay stopped',
  );
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error : new Error(String(error)) }, 'relay failed');
  process.exitCode = 1;
} finally {
  await live?.stop();
  await publisher?.close();
  await kpiClient?.close();
  await clickhouse?.close();
  await database?.close();
}
// Explicitly: embedded-postgres' exit hook would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);

function showProgress(at: number, from: number, upTo: number, startedAt: number) {
  const share = upTo > from ? Math.min(1, Math.max(0, (at - from) / (upTo - from))) : 1;
  const perSecond = Math.round((at - from) / Math.max((Date.now() - startedAt) / 1_000, 0.001));
  if (process.stderr.isTTY) {
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    process.stderr.write(`\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  outbox id ${at} of ${upTo}  ${perSecond} ids/s`);
  } else {
    logger.info({ lastRelayedId: at, upTo, percent: Math.round(share * 100) }, 'relaying');
  }
}

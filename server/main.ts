import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { clickHouseOptions } from '#analytics/clickhouse/client.ts';
import { computeKpis, pipelineLagMs } from '#analytics/kpis/compute-kpis.ts';
import { startLivePush, type LivePush } from '#analytics/live/live-push.ts';
import { reportRelayMetrics } from '#analytics/relay/relay-metrics.ts';
import { startAnalytics, type Analytics } from '#analytics/start-analytics.ts';
import { openDatabase } from '#db/client.ts';
import { takeOverShutdownSignals } from '#db/embedded-postgres.ts';
import { createApp } from './app.ts';
import { createAlertEngine, type AlertEngine } from './alerts/alert-engine.ts';
import { deliveryChannels, startAlertDeliverySender, type AlertDeliveryTargets } from './alerts/alert-delivery-sender.ts';
import { realtimeAlertPublisher } from './alerts/alert-publisher.ts';
import { rulesTriggeredBy } from './alerts/alert-triggers.ts';
import { AuditWriter } from './audit/audit-writer.ts';
import { bootstrapAdmin } from './auth/bootstrap-admin.ts';
import { purgeEndedSessions } from './auth/login.ts';
import { ActorResolver } from './auth/resolve-actor.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency/purge-expired-keys.ts';
import { SESSION_COOKIE } from './http/authenticate.ts';
import { attachRealtime } from './realtime/realtime-hub.ts';
import { ConfigError, loadConfig } from './config.ts';
import { systemClock } from './core/clock.ts';
import { requestScopedClock } from './core/as-of.ts';
import { postgresCheck } from './health/check-health.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { startReleaseLoop, type ReleaseLoop } from './fulfillment/release-loop.ts';
import { ForecastRunner } from './forecasting/forecast-runner.ts';
import { startForecastSchedule } from './forecasting/forecast-schedule.ts';
import { createMailTransport } from './notifications/mail-transport.ts';
import { startNotificationSender } from './notifications/notification-sender.ts';
import { OrderContextReader } from './orders/order-context-reader.ts';
import { OrderWriter } from './orders/order-writer.ts';
import { loadSourcingPolicy } from './sourcing/load-policy-file.ts';
import { withWebApp } from './web/web-app.ts';
import { openWebApp } from './web/open-web-app.ts';
import { SandboxPaymentProvider } from './payments/sandbox-provider.ts';
import { formatDemoUsers, isEmptyDatabase, readGeneratedCarrierSecret } from './demo/demo-setup.ts';
import { startDemoTraffic, type DemoTraffic } from './demo/demo-traffic.ts';
import { prepareDemo } from './demo/prepare-demo.ts';
import { loopbackUrl } from './demo/loopback-url.ts';
import { replayableCommits } from './core/replayable-commits.ts';

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line naming the bad variables; a stack trace would only hide it.
    console.error(error.message);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
const sourcingPolicy = (() => {
  try {
    return loadSourcingPolicy(config.SOURCING_POLICY_FILE);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
})();

const logger = createLogger(config.LOG_LEVEL);
// `npm start` passes --build-web: a missing or stale web build is made while the server starts.
const webApp = await openWebApp(path.resolve(import.meta.dirname, '..'), { build: process.argv.includes('--build-web'), logger });
const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  embeddedPort: config.EMBEDDED_PG_PORT,
  poolSize: config.PG_POOL_SIZE,
  onLog: (line) => logger.debug({ component: 'postgres' }, line),
}).catch((error: unknown) => {
  logger.fatal({ err: error instanceof Error ? error : new Error(String(error)) }, 'could not open the database');
  process.exit(1);
});
logger.info({ postgres: database.kind }, 'database ready, migrations applied');
// Historical (dated) requests commit without waiting for their flush: see server/core/replayable-commits.ts.
replayableCommits(database.db);

// Judged before the first admin is made: that admin alone does not make a business.
const wasEmpty = config.SIMULATE === 'on' && (await isEmptyDatabase(database.db));
await bootstrapAdmin(database.db, logger, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
const demo = config.SIMULATE === 'on' ? await prepareDemo(database.db, config, wasEmpty, systemClock.now(), logger) : null;

// ClickHouse: the embedded engine must open now; a ClickHouse server may come later (see startAnalytics).
let analytics: Analytics;
try {
  analytics = startAnalytics({
    clickhouse: clickHouseOptions(config),
    db: database.db,
    pool: database.pool,
    logger,
    relay: { enabled: config.RELAY === 'on', batchSize: config.RELAY_BATCH_SIZE, lingerMs: config.RELAY_LINGER_MS },
  });
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error : new Error(String(error)) }, 'could not open ClickHouse');
  await database.close();
  process.exit(1);
}

let shuttingDown = false;
const audit = new AuditWriter(database.db, logger);
const resolver = new ActorResolver(database.db, () => systemClock.now());
const metrics = createMetrics();
// Order capture's context reads and writes are each grouped into shared statements under load.
const orderStatements = { maxBatch: config.ORDER_WRITE_BATCH, maxInFlight: config.ORDER_WRITE_CONCURRENCY };
// Forecasts read demand from ClickHouse; the nightly run waits while the demo backfills its history.
let demoLive = false;
const forecasts = new ForecastRunner({
  db: database.db,
  clickhouse: analytics.clickhouse,
  logger,
  clock: systemClock,
  settings: {
    horizonDays: config.FORECAST_HORIZON_DAYS,
    historyDays: config.FORECAST_HISTORY_DAYS,
    workers: config.FORECAST_WORKERS,
    chartDays: 120,
    serviceLevel: config.REPLENISHMENT_SERVICE_LEVEL,
    reviewPeriodDays: config.REPLENISHMENT_REVIEW_DAYS,
  },
  publish: (message) => realtime.emitForecastRun(message),
});
const app = createApp({
  db: database.db,
  clock: requestScopedClock(systemClock),
  payments: new SandboxPaymentProvider(),
  paymentTimeoutMs: config.PAYMENT_TIMEOUT_MS,
  logger,
  orderWriter: new OrderWriter(database.db, orderStatements),
  orderContextReader: new OrderContextReader(database.db, orderStatements),
  sourcingPolicy,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  importLimitBytes: config.IMPORT_LIMIT_BYTES,
  healthChecks: { postgres: postgresCheck(database.db), clickhouse: () => analytics.healthCheck() },
  clickhouse: analytics.clickhouse,
  // Without a configured key, the one Tower made for its simulator (so `npm run simulate` can post scans too).
  carrierWebhooks: { shared: config.CARRIER_WEBHOOK_SECRET ?? readGeneratedCarrierSecret(config.DATA_DIR), perCarrier: config.CARRIER_WEBHOOK_SECRETS },
  forecasts,
  replenishmentDefaults: { serviceLevel: config.REPLENISHMENT_SERVICE_LEVEL, reviewPeriodDays: config.REPLENISHMENT_REVIEW_DAYS },
  isShuttingDown: () => shuttingDown,
  publishAlert: (alert, change) => alertPublisher(alert, change),
  resolver,
  audit,
  metrics,
  auth: {
    sessionTtlHours: config.SESSION_TTL_HOURS,
    cookieSecure: config.COOKIE_SECURE === 'on',
    publicPerMinute: config.RATE_LIMIT_PUBLIC_PER_MINUTE,
    loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
  },
});

// Allocated orders become shipments on the floor; every instance may run this (they take different orders).
// While the demo backfills, its simulator releases each order at its historical moment: a loop
// running meanwhile would release history today. It starts once the demo is live.
let releaseLoop: ReleaseLoop | null = null;
const startReleasing = () => {
  if (releaseLoop || shuttingDown || config.FULFILLMENT_RELEASE_INTERVAL_MS === 0) return;
  releaseLoop = startReleaseLoop({ db: database.db, clock: systemClock, logger, sourcingPolicy }, { intervalMs: config.FULFILLMENT_RELEASE_INTERVAL_MS, batchSize: config.FULFILLMENT_RELEASE_BATCH });
};
if (!demo) startReleasing();

const mailTransport = createMailTransport({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, mailDir: path.join(config.DATA_DIR, 'mail') });
// Customer emails queued by the outbox trigger; every instance may send (they claim different rows).
const notificationSender = config.MAIL_SENDER === 'off' ? null : startNotificationSender(
  {
    db: database.db,
    pool: database.pool,
    logger,
    transport: mailTransport,
  },
  { publicUrl: config.PUBLIC_URL, maxAttempts: config.MAIL_MAX_ATTEMPTS },
);

// Critical alerts by email and signed webhook (off unless configured), sent after the engine's commit from alert_deliveries.
const alertTargets: AlertDeliveryTargets = {
  emailTo: config.ALERT_EMAIL_TO ?? [],
  webhook: config.ALERT_WEBHOOK_URL && config.ALERT_WEBHOOK_SECRET ? { url: config.ALERT_WEBHOOK_URL, secret: config.ALERT_WEBHOOK_SECRET } : null,
};
const alertChannels = deliveryChannels(alertTargets);
const alertDeliverySender =
  alertChannels.length === 0
    ? null
    : startAlertDeliverySender({ db: database.db, logger, transport: mailTransport, targets: alertTargets }, { maxAttempts: config.ALERT_DELIVERY_MAX_ATTEMPTS, publicUrl: config.PUBLIC_URL });

const HOUR_MS = 3_600_000;
const housekeeping = setInterval(() => {
  const cutoff = new Date(Date.now() - config.IDEMPOTENCY_RETENTION_HOURS * HOUR_MS);
  purgeExpiredIdempotencyKeys(database.db, cutoff)
    .then((purged) => purged > 0 && logger.info({ purged }, 'expired idempotency keys purged'))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not purge idempotency keys'));
  purgeEndedSessions(database.db, systemClock.now())
    .then((purged) => purged > 0 && logger.info({ purged }, 'ended sessions purged'))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not purge sessions'));
}, HOUR_MS);
housekeeping.unref();

// The SvelteKit build (npm start builds it when stale, see server/web/) answers every non-API path.
const server: ServerType = serve({ fetch: withWebApp(app.fetch, webApp.state), port: config.PORT, hostname: config.HOST }, (info) => {
  logger.info({ url: `http://${config.HOST}:${info.port}` }, 'Tower is listening');
  if (!demo) return;
  const localUrl = loopbackUrl(config.HOST, info.port);
  if (demo.users) console.log(formatDemoUsers(demo.users, localUrl));
  demoTraffic = startDemoTraffic({
    baseUrl: localUrl,
    credentials: demo.credentials,
    seed: config.SIMULATE_SEED,
    days: demo.days,
    ordersPerDay: config.SIMULATE_ORDERS_PER_DAY,
    ordersPerMinute: config.SIMULATE_ORDERS_PER_MINUTE,
    logger,
    // Live means the control tower can be seen: its history in ClickHouse, its pages built.
    beforeLive: () => Promise.all([relayHistory(), webApp.ready]).then(() => undefined),
    onLive: () => {
      demoLive = true;
      startRelay();
      startReleasing();
      // Orders the backfill left in flight are history, not stuck: alerts start with live traffic.
      alertEngine?.start();
    },
  });
});
let demoTraffic: DemoTraffic | null = null;
// Keep-alive connections outlive a load balancer's idle timeout (60 s is common): a server that
// closes an idle connection first races the client's next request on it (ECONNRESET).
if ('keepAliveTimeout' in server) {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
const realtime = attachRealtime(server, { resolver, logger, sessionCookie: SESSION_COOKIE, cluster: { pool: database.pool } });
// Every `alert` message carries the assignee's name and the listed orders' numbers.
const alertPublisher = realtimeAlertPublisher(realtime, { db: database.db });
metrics.countConnectionsWith(() => realtime.connectionCount());
// Alert rules every ALERT_EVALUATE_INTERVAL_MS; every instance may run this (a rule's round runs on one at a time).
const alertEngine: AlertEngine | null =
  config.ALERT_EVALUATE_INTERVAL_MS === 0
    ? null
    : createAlertEngine({
        db: database.db,
        clock: systemClock,
        logger,
        publish: alertPublisher,
        deliveries: { channels: alertChannels, wake: () => alertDeliverySender?.wake() },
        clickhouse: analytics.clickhouse,
        relayLagMs: pipelineLagMs,
        registry: metrics.registry,
        intervalMs: config.ALERT_EVALUATE_INTERVAL_MS,
      });
if (!demo) alertEngine?.start();
// The relay starts once the HTTP server is up (and ClickHouse is ready); it reports to /metrics.
// Live push: each relayed batch goes to socket.io clients (order:event) once it is in ClickHouse,
// followed by a kpis snapshot of the last 24 hours at most once a second.
let live: LivePush | null = null;
// A run right after the demo's backfill would read demand the relay has not delivered yet: wait for it too;
// and for ClickHouse's tables (a run at start failed on them when its migrations came second).
let clickHouseReady = false;
const forecastSchedule =
  config.FORECAST_SCHEDULE_HOUR_UTC === 'off'
    ? null
    : startForecastSchedule(
        { db: database.db, clock: systemClock, logger, runner: forecasts },
        { hourUtc: config.FORECAST_SCHEDULE_HOUR_UTC, ready: () => clickHouseReady && (!demo || demoLive) && (pipelineLagMs() ?? 0) < 60_000 },
      );
// Its look at start came too early then: it looks again as soon as ClickHouse is ready, not a minute later.
void analytics.ready.then(() => {
  clickHouseReady = true;
  return forecastSchedule?.check();
});
let relayStarted = false;
function startRelay() {
  if (relayStarted) return;
  relayStarted = true;
  analytics.startRelay((relay) => {
    reportRelayMetrics(relay, metrics.relay);
    live = startLivePush({ hub: realtime, relay, logger, kpis: (window) => computeKpis(analytics.clickhouse, window) });
    // Rules about what a batch brought (shipments, stock, returns, the relay's lag) are evaluated soon, not only on the interval.
    relay.on('batch', (batch) => alertEngine?.trigger(rulesTriggeredBy(batch.events, { now: systemClock.now() })));
  });
}
// The demo's backfill relays its history once it is written, in a few large batches (ClickHouse
// spent more CPU on hundreds of small inserts and their merges than Tower on the history), and
// goes live once it is all in ClickHouse (relayHistory).
if (!demo) startRelay();

/** Starts the relay and waits until every event in the outbox now is in ClickHouse. */
async function relayHistory(): Promise<void> {
  startRelay();
  const started = Date.now();
  try {
    const lastId = await analytics.untilCaughtUp(300_000);
    if (lastId !== null) logger.info({ ms: Date.now() - started, lastId }, 'demo history relayed to ClickHouse');
  } catch (error) {
    logger.warn({ err: error }, 'the demo history is not all in ClickHouse yet; going live anyway');
  }
}

/** Stop accepting, let in-flight requests finish, then close the databases (the embedded one cleanly). */
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  webApp.stop();
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error('in-flight requests did not finish in time; closing anyway');
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, config.SHUTDOWN_TIMEOUT_MS);
  // The simulator is a client of this server: it stops before the server stops answering.
  await demoTraffic?.stop();
  // socket.io's connections stay open and would keep `server.close` waiting.
  await live?.stop();
  await realtime.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
  clearTimeout(deadline);
  clearInterval(housekeeping);
  await releaseLoop?.stop();
  await alertEngine?.stop();
  await forecastSchedule?.stop();
  await forecasts.stop();
  await notificationSender?.stop();
  await alertDeliverySender?.stop();
  await audit.drain();
  // The relay finishes its batch and lets go of its PostgreSQL connection before the pool closes.
  await analytics.stop();
  await database.close();
  logger.info('stopped');
  process.exit(0);
}
takeOverShutdownSignals();
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

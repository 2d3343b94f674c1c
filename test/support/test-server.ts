import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import * as schema from '#db/schema/index.ts';
import type { Database } from '#db/client.ts';
import { createApp, type AppDeps } from '#server/app.ts';
import { AuditWriter } from '#server/audit/audit-writer.ts';
import { createApiToken } from '#server/auth/api-tokens.ts';
import type { Role, SalesChannel } from '#server/auth/permissions.ts';
import { ActorResolver } from '#server/auth/resolve-actor.ts';
import type { Clock } from '#server/core/clock.ts';
import { systemClock } from '#server/core/clock.ts';
import { postgresCheck } from '#server/health/check-health.ts';
import { SESSION_COOKIE } from '#server/http/authenticate.ts';
import { createLogger } from '#server/logger.ts';
import { createMetrics, type Metrics } from '#server/metrics/metrics.ts';
import type { StatementBatcherOptions } from '#server/core/statement-batcher.ts';
import { OrderContextReader } from '#server/orders/order-context-reader.ts';
import { OrderWriter, type OrderWriterOptions } from '#server/orders/order-writer.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import type { SourcingPolicy } from '#server/sourcing/sourcing-policy.ts';
import type { PaymentProvider } from '#server/payments/payment-provider.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { attachRealtime, type RealtimeHub } from '#server/realtime/realtime-hub.ts';
import { ForecastRunner, type ForecastSettings } from '#server/forecasting/forecast-runner.ts';
import { DEFAULT_REPLENISHMENT } from '#server/replenishment/propose-restock.ts';
import { ApiClient } from './api-client.ts';
import type { CarrierWebhookSecrets } from '#server/fulfillment/carrier-signature.ts';

export interface TestServer {
  url: string;
  /** Signed with an admin API token. */
  api: ApiClient;
  /** No credentials at all. */
  anonymous: ApiClient;
  /** A client with a new API token holding these roles (and limited to these channels). */
  tokenClient(roles: Role[], channels?: SalesChannel[]): Promise<ApiClient>;
  /** The Node HTTP server, e.g. to attach socket.io clients to. */
  http: ServerType;
  /** The socket.io hub on `http`. */
  realtime: RealtimeHub;
  /** The app's Prometheus metrics (also at GET /metrics). */
  metrics: Metrics;
  /** Writes the orders the app places (group commit). */
  orderWriter: OrderWriter;
  orderContextReader: OrderContextReader;
  db: Database;
  pool: pg.Pool;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The forecast runner, when `forecasts` was given. */
  forecasts: ForecastRunner | undefined;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Another database than the run's shared one (already migrated), for tests whose commands sweep every row. */
  databaseUrl?: string;
  payments?: PaymentProvider;
  clock?: Clock;
  paymentTimeoutMs?: number;
  poolSize?: number;
  bodyLimitBytes?: number;
  /** Wraps the database handed to the services, e.g. to inject a failure. */
  wrapDb?: (db: Database) => Database;
  /** Group commit settings of order capture (the defaults of a running Tower otherwise). */
  orderWriter?: Partial<OrderWriterOptions>;
  orderContextReader?: Partial<StatementBatcherOptions>;
  /** The sourcing policy (the defaults otherwise). */
  sourcingPolicy?: SourcingPolicy;
  /** Rate limits are high by default so tests never trip them by accident. */
  auth?: Partial<AppDeps['auth']>;
  /** Keys of the carriers' tracking webhooks (none by default: the webhook answers 503). */
  carrierWebhooks?: CarrierWebhookSecrets;
  /** How often socket.io connections are re-checked (the hub's `recheckMs`). */
  realtimeRecheckMs?: number;
  /** socket.io broadcasts through PostgreSQL, shared with the other test servers given the same channel. */
  realtimeCluster?: { channel: string; heartbeatMs?: number };
  /** For the analytics routes (KPIs, reconciliation); without it they answer 503. The caller owns and closes it. */
  clickhouse?: ClickHouseClient;
  /** With `clickhouse`: a forecast runner (POST /api/forecasts/runs) with these settings over small defaults. */
  forecasts?: Partial<ForecastSettings>;
}

/** A real Tower HTTP server on a free port, against the run's test database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl ?? inject('databaseUrl'), max: options.poolSize ?? 20 });
  const db = drizzle({ client: pool, schema });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('info', sink);
  const resolver = new ActorResolver(db, () => (options.clock ?? systemClock).now());
  const metrics = createMetrics();
  const appDb = options.wrapDb ? options.wrapDb(db) : db;
  const orderWriter = new OrderWriter(appDb, options.orderWriter);
  const orderContextReader = new OrderContextReader(appDb, options.orderContextReader);
  // Set once the hub is attached (after the app): the runner publishes through it.
  const hubRef: { current?: RealtimeHub } = {};
  const forecasts =
    options.clickhouse && options.forecasts
      ? new ForecastRunner({
          db: appDb,
          clickhouse: options.clickhouse,
          logger,
          clock: options.clock ?? systemClock,
          settings: { horizonDays: 28, historyDays: 365, workers: 1, chartDays: 120, ...DEFAULT_REPLENISHMENT, ...options.forecasts },
          publish: (message) => hubRef.current?.emitForecastRun(message),
        })
      : undefined;
  const app = createApp({
    forecasts,
    orderWriter,
    orderContextReader,
    sourcingPolicy: options.sourcingPolicy ?? defaultSourcingPolicy,
    db: appDb,
    clock: options.clock ?? systemClock,
    payments: options.payments ?? new SandboxPaymentProvider(),
    paymentTimeoutMs: options.paymentTimeoutMs ?? 2_000,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
    importLimitBytes: 20_000_000,
    healthChecks: { postgres: postgresCheck(db) },
    isShuttingDown: () => false,
    resolver,
    audit: new AuditWriter(db, logger),
    metrics,
    auth: { sessionTtlHours: 12, cookieSecure: false, publicPerMinute: 100_000, loginPerMinute: 100_000, ...options.auth },
    clickhouse: options.clickhouse,
    carrierWebhooks: options.carrierWebhooks,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const cluster = options.realtimeCluster ? { pool, ...options.realtimeCluster } : undefined;
  const hub = attachRealtime(server, { resolver, logger, sessionCookie: SESSION_COOKIE, recheckMs: options.realtimeRecheckMs, cluster });
  hubRef.current = hub;
  metrics.countConnectionsWith(() => hub.connectionCount());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenClient = async (roles: Role[], channels?: SalesChannel[]) => {
    const { token } = await createApiToken(db, { name: `test ${roles.join('+')}`, roles, channels: channels ?? null }, null);
    return new ApiClient(url, { authorization: `Bearer ${token}` });
  };
  return {
    url,
    api: await tokenClient(['admin']),
    anonymous: new ApiClient(url),
    tokenClient,
    http: server,
    realtime: hub,
    metrics,
    forecasts,
    orderWriter,
    orderContextReader,
    db,
    pool,
    logs,
    async close() {
      await forecasts?.stop();
      await hub.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import * as schema from '#db/schema/index.ts';
import type { Database } from '#db/client.ts';
import { createApp } from '#server/app.ts';
import type { Clock } from '#server/core/clock.ts';
import { systemClock } from '#server/core/clock.ts';
import { postgresCheck } from '#server/health/check-health.ts';
import { createLogger } from '#server/logger.ts';
import type { PaymentProvider } from '#server/payments/payment-provider.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { ApiClient } from './api-client.ts';

export interface TestServer {
  url: string;
  api: ApiClient;
  db: Database;
  pool: pg.Pool;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  payments?: PaymentProvider;
  clock?: Clock;
  paymentTimeoutMs?: number;
  poolSize?: number;
  bodyLimitBytes?: number;
  /** Wraps the database handed to the services, e.g. to inject a failure. */
  wrapDb?: (db: Database) => Database;
}

/** A real Tower HTTP server on a free port, against the run's test database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: options.poolSize ?? 20 });
  const db = drizzle({ client: pool, schema });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = createApp({
    db: options.wrapDb ? options.wrapDb(db) : db,
    clock: options.clock ?? systemClock,
    payments: options.payments ?? new SandboxPaymentProvider(),
    paymentTimeoutMs: options.paymentTimeoutMs ?? 2_000,
    logger: createLogger('info', sink),
    bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
    importLimitBytes: 20_000_000,
    healthChecks: { postgres: postgresCheck(db) },
    isShuttingDown: () => false,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api: new ApiClient(url),
    db,
    pool,
    logs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

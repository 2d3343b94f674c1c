import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { inject } from 'vitest';
import { createScratchDatabase } from '#test/support/scratch-database.ts';
import * as schema from '#db/schema/index.ts';
import { createApp } from '#server/app.ts';
import { AuditWriter } from '#server/audit/audit-writer.ts';
import { createApiToken } from '#server/auth/api-tokens.ts';
import { createUser } from '#server/auth/users.ts';
import type { Role } from '#server/auth/permissions.ts';
import { ActorResolver } from '#server/auth/resolve-actor.ts';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { createLogger } from '#server/logger.ts';
import { createMetrics } from '#server/metrics/metrics.ts';
import { OrderContextReader } from '#server/orders/order-context-reader.ts';
import { OrderWriter } from '#server/orders/order-writer.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';

export const CARRIER_SECRET = 'simulator-test-carrier-secret-0123';

export interface SimulatorTower {
  url: string;
  pool: pg.Pool;
  /** A new API token with these roles. */
  token(roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A Tower app wired like `npm start` (request-scoped clock for x-tower-as-of, a carrier webhook
 * key) on a fresh database of its own: the simulator seeds fixed codes and SKUs, and a release
 * dated in the past would take any other file's orders.
 */
export async function startSimulatorTower(): Promise<SimulatorTower> {
  const database = await createScratchDatabase(inject('databaseUrl'), 'tower_sim');
  const pool = new pg.Pool({ connectionString: database.url, max: 20 });
  const db = drizzle({ client: pool, schema });
  const logger = createLogger('silent');
  const clock = requestScopedClock(systemClock);
  const app = createApp({
    orderWriter: new OrderWriter(db),
    orderContextReader: new OrderContextReader(db),
    sourcingPolicy: defaultSourcingPolicy,
    db,
    clock,
    payments: new SandboxPaymentProvider(),
    paymentTimeoutMs: 2_000,
    logger,
    bodyLimitBytes: 1_000_000,
    importLimitBytes: 1_000_000,
    healthChecks: {},
    isShuttingDown: () => false,
    resolver: new ActorResolver(db, () => systemClock.now()),
    audit: new AuditWriter(db, logger),
    metrics: createMetrics(),
    auth: { sessionTtlHours: 12, cookieSecure: false, publicPerMinute: 100_000, loginPerMinute: 100_000 },
    carrierWebhooks: { shared: CARRIER_SECRET },
  });
  const http: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    pool,
    async token(roles) {
      return (await createApiToken(db, { name: `simulator test ${roles.join('+')}`, roles, channels: null }, null)).token;
    },
    async close() {
      (http as Server).closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await pool.end();
      await database.drop();
    },
  };
}

/** The floor worker Tower's own seeding gives the simulator: pick claims are a person's, never a token's. */
export const FLOOR_USER = { email: 'floor.simulator@example.com', password: 'floor-password-0123' };

export async function createFloorUser(tower: SimulatorTower): Promise<typeof FLOOR_USER> {
  await createUser(drizzle({ client: tower.pool, schema }), { ...FLOOR_USER, name: 'Simulated floor staff', roles: ['staff', 'simulator'], locationIds: null });
  return FLOOR_USER;
}

/** The last moment of yesterday (UTC) less a little: a backfill of whole days, dated safely in the past. */
export function endOfYesterday(): Date {
  return new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 60_000);
}

import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import * as schema from '#db/schema/index.ts';
import { createApiToken } from '#server/auth/api-tokens.ts';
import type { Role } from '#server/auth/permissions.ts';
import { createUser } from '#server/auth/users.ts';
import { startHistoryServer } from '../history/history-fixture.ts';

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
  const server = await startHistoryServer({ carrierWebhooks: { shared: CARRIER_SECRET } });
  return {
    url: server.url,
    pool: server.pool,
    async token(roles) {
      return (await createApiToken(server.db, { name: `simulator test ${roles.join('+')}`, roles, channels: null }, null)).token;
    },
    close: () => server.close(),
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

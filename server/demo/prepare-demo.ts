import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import type { Config } from '#server/config.ts';
import { createDemoUsers, createSimulatorCredentials, readSimulatorCredentials, type DemoUser, type SimulatorCredentials } from './demo-setup.ts';

export interface DemoPlan {
  credentials: SimulatorCredentials;
  /** Days to backfill before going live. */
  days: number;
  /** Created now, to be shown once; null on a restart. */
  users: DemoUser[] | null;
}

type DemoConfig = Pick<Config, 'DATA_DIR' | 'CARRIER_WEBHOOK_SECRET' | 'SIMULATE_DAYS' | 'ADMIN_EMAIL' | 'ADMIN_PASSWORD'>;

const DAY_MS = 86_400_000;

/**
 * What the demo does on this start. A database that was empty gets demo users and a simulator
 * token, then the whole backfill; a database Tower seeded before (its simulator token is in
 * DATA_DIR) catches up the days it was stopped, up to SIMULATE_DAYS; any other database is a
 * real business and is never touched (null).
 */
export async function prepareDemo(db: Database, config: DemoConfig, wasEmpty: boolean, now: Date, logger: Logger): Promise<DemoPlan | null> {
  if (wasEmpty) {
    // With ADMIN_EMAIL, bootstrapAdmin made the first admin already; the demo adds the other roles.
    const users = await createDemoUsers(db, { skipAdmin: config.ADMIN_EMAIL !== undefined && config.ADMIN_PASSWORD !== undefined });
    if (!users) {
      logger.info('another instance is seeding the demo business');
      return null;
    }
    const credentials = await createSimulatorCredentials(db, config.DATA_DIR, config.CARRIER_WEBHOOK_SECRET);
    return { credentials, days: config.SIMULATE_DAYS, users };
  }
  const credentials = readSimulatorCredentials(config.DATA_DIR, config.CARRIER_WEBHOOK_SECRET);
  if (!credentials) return null;
  return { credentials, days: await daysToCatchUp(db, now, config.SIMULATE_DAYS), users: null };
}

/** Whole days since the last order (at least today's part), at most `max`. */
async function daysToCatchUp(db: Database, now: Date, max: number): Promise<number> {
  const { rows } = await db.execute<{ last: string | null }>(sql`select max(placed_at) as last from orders`);
  const last = rows[0]?.last;
  if (!last) return max;
  return Math.min(max, Math.max(0, Math.ceil((now.getTime() - new Date(last).getTime()) / DAY_MS)));
}

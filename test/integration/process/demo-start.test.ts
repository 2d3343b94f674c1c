import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { freePort } from '#test/support/free-port.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { spawnTower, waitForHealthy, type TowerProcess } from '#test/support/tower-process.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An empty database (Tower migrates it) and a DATA_DIR of this test's own. */
async function freshPlace(): Promise<{ database: ScratchDatabase; dataDir: string }> {
  const database = await createScratchDatabase(inject('databaseUrl'), 'tower_demo', { migrate: false });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-demo-'));
  chmodSync(dataDir, 0o755);
  cleanups.push(() => database.drop(), () => rmSync(dataDir, { recursive: true, force: true }));
  return { database, dataDir };
}

async function start(env: Record<string, string>): Promise<TowerProcess> {
  const tower = spawnTower({ ...env, PORT: String(await freePort()) });
  cleanups.push(() => void tower.child.kill('SIGKILL'));
  await waitForHealthy(tower, 60_000);
  return tower;
}

async function stop(tower: TowerProcess): Promise<number | null> {
  tower.child.kill('SIGTERM');
  return tower.exited;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows[0]!;
  } finally {
    await client.end();
  }
}

const DEMO_USER_LINE = /^ {2}(\S+@tower\.example\.com) +(\S+)$/gm;
const BACKFILLED = 'demo history backfilled';

/** A small business: one day of history at 40 orders a day, then two orders a second live. */
function demoEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SIMULATE: 'on',
    SIMULATE_DAYS: '1',
    SIMULATE_ORDERS_PER_DAY: '40',
    SIMULATE_ORDERS_PER_MINUTE: '120',
    // What this test looks at is PostgreSQL's; ClickHouse and email would only cost time.
    RELAY: 'off',
    MAIL_SENDER: 'off',
    LOG_LEVEL: 'info',
  };
}

describe('npm start with SIMULATE=on (the default)', () => {
  it('seeds an empty database once: demo users shown once, a day of dated history, then live traffic; a restart only catches up', async () => {
    const { database, dataDir } = await freshPlace();
    const env = demoEnv(database.url, dataDir);
    const startedAt = Date.now();
    const first = await start(env);
    await waitFor('the backfill', () => (first.output().includes(BACKFILLED) ? true : undefined), 150_000);

    const users = [...first.output().matchAll(DEMO_USER_LINE)].map(([, email, password]) => ({ email: email!, password: password! }));
    expect(users.map((u) => u.email.split('@')[0]).sort()).toEqual(['admin', 'manager', 'planner', 'staff']);
    const manager = users.find((u) => u.email.startsWith('manager@'))!;
    const me = await (await signIn(first.url, manager.email, manager.password)).get('/api/auth/me');
    expect(me.body.user.roles).toEqual(['manager']);
    expect(statSync(path.join(dataDir, 'simulator-token')).mode & 0o777).toBe(0o600);

    const history = await query<{ orders: number; earliest: Date; shipped: number }>(
      database.url,
      `select count(*)::int as orders, min(placed_at) as earliest,
         (select count(*)::int from shipments where status in ('shipped', 'delivered')) as shipped from orders`,
    );
    expect(history.orders).toBeGreaterThan(10);
    // Placed at their own moments over the day before the start, not when they were sent.
    expect(history.earliest.getTime()).toBeLessThan(startedAt - 6 * 3_600_000);
    expect(history.shipped).toBeGreaterThan(0);
    await waitFor(
      'live orders',
      async () => ((await query<{ n: number }>(database.url, 'select count(*)::int as n from orders')).n > history.orders ? true : undefined),
      30_000,
    );
    expect(await stop(first)).toBe(0);

    const second = await start(env);
    await waitFor('the catch-up', () => (second.output().includes(BACKFILLED) ? true : undefined), 60_000);
    expect(second.output()).not.toContain('Demo business seeded');
    const people = await query<{ n: number }>(database.url, `select count(*)::int as n from users where email like '%@tower.example.com'`);
    expect(people.n).toBe(4);
    expect(await stop(second)).toBe(0);
  }, 300_000);

  it('goes live with the whole history in ClickHouse: the relay takes it once it is written, then follows live traffic', async () => {
    const { database, dataDir } = await freshPlace();
    const startedAt = new Date();
    const tower = await start({ ...demoEnv(database.url, dataDir), RELAY: 'on' });
    await waitFor('the backfill', () => (tower.output().includes(BACKFILLED) ? true : undefined), 150_000);
    // Every event of the history (dated before the start; live ones are dated after it) is in ClickHouse by then.
    const at = await query<{ history: number; relayed: number }>(
      database.url,
      `select (select max(id) from outbox where occurred_at < '${startedAt.toISOString()}')::int as history, (select max(last_id) from relay_progress)::int as relayed`,
    );
    expect(at.history).toBeGreaterThan(100);
    expect(at.relayed).toBeGreaterThanOrEqual(at.history);
    const output = tower.output();
    expect(output.indexOf('demo history relayed to ClickHouse')).toBeGreaterThan(-1);
    expect(output.indexOf('demo history relayed to ClickHouse')).toBeLessThan(output.indexOf(BACKFILLED));
    // Live events follow (the relay keeps running).
    await waitFor(
      'live events in ClickHouse',
      async () => {
        const now = await query<{ relayed: number }>(database.url, 'select max(last_id)::int as relayed from relay_progress');
        return now.relayed > at.history && now.relayed > at.relayed ? true : undefined;
      },
      30_000,
    );
    expect(await stop(tower)).toBe(0);
  }, 300_000);

  it('never seeds a database that holds anything, nor any database with SIMULATE=off', async () => {
    const { database, dataDir } = await freshPlace();
    const admin = { ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'a long enough admin password' };
    const off = await start({ ...demoEnv(database.url, dataDir), ...admin, SIMULATE: 'off' });
    expect(await stop(off)).toBe(0);
    // The business's own admin is there now: this database is not Tower's to fill.
    const on = await start(demoEnv(database.url, dataDir));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await stop(on)).toBe(0);
    const contents = await query<{ users: number; products: number; locations: number }>(
      database.url,
      'select (select count(*)::int from users) as users, (select count(*)::int from products) as products, (select count(*)::int from locations) as locations',
    );
    expect(contents).toEqual({ users: 1, products: 0, locations: 0 });
    expect(off.output() + on.output()).not.toContain('Demo business seeded');
  }, 120_000);
});

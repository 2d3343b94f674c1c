import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertAuditEntries } from '#server/audit/insert-audit-entries.ts';
import { requestScopedClock, runAsOf } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { replayableCommits } from '#server/core/replayable-commits.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { daysAgo } from './history-fixture.ts';

/**
 * Dated (historical) work commits asynchronously (server/core/replayable-commits.ts): its
 * transactions set synchronous_commit off for themselves only; live work keeps the server's.
 */
let database: ScratchDatabase;
let server: TestServer;
beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'tower_replayable');
  // The embedded PostgreSQL the tests start runs with synchronous_commit off for speed; this
  // database asks for on, so that live and dated transactions can be told apart on any server.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`do $$ begin execute format('alter database %I set synchronous_commit = on', current_database()); end $$`);
  await admin.end();
  server = await startTestServer({ clock: requestScopedClock(systemClock), wrapDb: replayableCommits, databaseUrl: database.url });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const setting = sql`select current_setting('synchronous_commit') as value`;

describe('replayable commits', () => {
  it('a transaction inside a dated request commits asynchronously, one outside keeps the server setting, and the setting ends with the transaction', async () => {
    const { rows } = await server.db.execute<{ value: string }>(setting);
    const serverSetting = rows[0]!.value;
    expect(serverSetting).toBe('on');

    const live = await server.db.transaction(async (tx) => (await tx.execute<{ value: string }>(setting)).rows[0]!.value);
    expect(live).toBe(serverSetting);
    const dated = await runAsOf(daysAgo(3), () => server.db.transaction(async (tx) => (await tx.execute<{ value: string }>(setting)).rows[0]!.value));
    expect(dated).toBe('off');
    // SET LOCAL: every pooled connection is back to the server's setting after the dated transactions.
    const after = await Promise.all(
      Array.from({ length: 8 }, () => runAsOf(daysAgo(2), () => server.db.transaction(async (tx) => (await tx.execute(sql`select pg_sleep(0.01)`), 'done')))),
    );
    expect(after).toHaveLength(8);
    const settings = await Promise.all(Array.from({ length: 8 }, () => server.db.transaction(async (tx) => (await tx.execute<{ value: string }>(setting)).rows[0]!.value)));
    expect(new Set(settings)).toEqual(new Set([serverSetting]));
  });

  it('audit entries of dated requests only commit asynchronously: with one live entry among them, the server setting holds', async () => {
    const entry = (detail: Record<string, unknown>) => ({ actorKind: 'api_token' as const, action: 'POST /api/x', method: 'POST', path: '/api/x', status: 200, outcome: 'ok' as const, detail });
    const after = (entries: ReturnType<typeof entry>[]) =>
      server.db.transaction(async (tx) => {
        await insertAuditEntries(tx, entries);
        return (await tx.execute<{ value: string }>(setting)).rows[0]!.value;
      });
    const dated = { route: '/api/x', asOf: daysAgo(1).toISOString() };
    expect(await after([entry(dated), entry(dated)])).toBe('off');
    expect(await after([entry(dated), entry({ route: '/api/x' })])).toBe('on');
  });
});

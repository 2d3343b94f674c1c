import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsOf } from '#server/core/as-of.ts';
import type { TestServer } from '#test/support/test-server.ts';
import { daysAgo, startHistoryServer } from './history-fixture.ts';

/**
 * Dated (historical) work commits asynchronously (server/core/replayable-commits.ts): its
 * transactions set synchronous_commit off for themselves only; live work keeps the server's.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startHistoryServer();
});
afterAll(() => server.close());

const setting = sql`select current_setting('synchronous_commit') as value`;

describe('replayable commits', () => {
  it('a transaction inside a dated request commits asynchronously, one outside keeps the server setting, and the setting ends with the transaction', async () => {
    const { rows } = await server.db.execute<{ value: string }>(setting);
    const serverSetting = rows[0]!.value;
    expect(serverSetting).not.toBe('off');

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
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { afterAll } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { migrateClickHouse } from '#analytics/clickhouse/migrate.ts';
import { createLogger } from '#server/logger.ts';

/**
 * The embedded ClickHouse binds ONE data folder per process (a second folder is refused,
 * and two processes cannot share one). So each test process (vitest runs a file per
 * process) uses one folder for all its clients, and each test gets a database of its own:
 * a fresh store with its own id, hence its own relay progress in the shared PostgreSQL.
 */
const processDataDir = (() => {
  const key = Symbol.for('tower.test.clickhouseDataDir');
  const holder = globalThis as unknown as Record<symbol, string | undefined>;
  return (holder[key] ??= mkdtempSync(path.join(tmpdir(), 'tower-ch-')));
})();

export function testDataDir(): string {
  return processDataDir;
}

// Registered on the importing test file: once its tests (and their clients) are done.
afterAll(() => {
  try {
    rmSync(processDataDir, { recursive: true, force: true });
  } catch {
    // best effort: it is a temporary folder
  }
});

export function uniqueDatabase(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** A migrated database in this process's embedded ClickHouse, and more clients on it. */
export async function openTestClickHouse(database = uniqueDatabase()): Promise<{ database: string; client: ClickHouseClient; another(): ClickHouseClient }> {
  const another = () => createClickHouse({ database, dataDir: processDataDir });
  const client = another();
  await migrateClickHouse(client);
  return { database, client, another };
}

export async function rows<T>(client: ClickHouseClient, query: string, params?: Record<string, unknown>): Promise<T[]> {
  const result = await client.query({ query, format: 'JSONEachRow', ...(params ? { query_params: params } : {}) });
  return result.json<T>();
}

export async function maxOutboxId(pool: pg.Pool): Promise<number> {
  const { rows: [row] } = await pool.query<{ max: string | null }>('select max(id)::text as max from outbox');
  return Number(row?.max ?? 0);
}

/** A logger that keeps its lines, to assert on what the relay said. */
export function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

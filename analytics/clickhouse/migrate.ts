import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ClickHouseClient } from './client.ts';

export const clickhouseMigrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Tables that hold ClickHouse's own bookkeeping: never truncated by a rebuild. */
export const BOOKKEEPING_TABLES = ['schema_migrations', 'tower_meta'] as const;

// Another fixed number than db/migrate.ts's: Tower processes sharing a PostgreSQL take turns
// at migrating their (shared) ClickHouse too.
const CLICKHOUSE_MIGRATION_LOCK = 7_410_003;

export interface ClickHouseMigration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/** `NNNN_name.sql` files in order; statements are separated by a `;` that ends a line. */
export function readClickHouseMigrations(folder = clickhouseMigrationsFolder): ClickHouseMigration[] {
  return readdirSync(folder)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(`${folder}/${file}`, 'utf8');
      return {
        version: Number.parseInt(file.slice(0, 4), 10),
        name: file.slice(5, -4),
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text),
      };
    });
}

export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export interface MigrateOptions {
  /** When given, the migration runs under a PostgreSQL advisory lock (see below). */
  pool?: pg.Pool;
  migrations?: ClickHouseMigration[];
  onApplied?: (migration: ClickHouseMigration) => void;
}

/**
 * Applies the migrations this ClickHouse database has not recorded in `schema_migrations`.
 *
 * ClickHouse has no transactions and no locks, so two processes starting at once are made
 * safe in two ways: (1) when a PostgreSQL pool is given (Tower always passes its own), the
 * work runs under a PostgreSQL advisory lock, so the Tower processes of one deployment take
 * turns; (2) every statement is written to be re-runnable (`IF NOT EXISTS` everywhere), and
 * the record of a version is inserted with a deduplication token and read with `FINAL`, so
 * even two runners that do race apply each statement harmlessly twice and record it once.
 * A migration that failed halfway is simply run again at the next start.
 */
export async function migrateClickHouse(client: ClickHouseClient, options: MigrateOptions = {}): Promise<ClickHouseMigration[]> {
  const lock = options.pool ? await options.pool.connect() : undefined;
  try {
    await lock?.query('select pg_advisory_lock($1)', [CLICKHOUSE_MIGRATION_LOCK]);
    try {
      return await applyPending(client, options);
    } finally {
      await lock?.query('select pg_advisory_unlock($1)', [CLICKHOUSE_MIGRATION_LOCK]);
    }
  } finally {
    lock?.release();
  }
}

async function applyPending(client: ClickHouseClient, options: MigrateOptions): Promise<ClickHouseMigration[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version
    SETTINGS non_replicated_deduplication_window = 1000`,
  });
  const result = await client.query({ query: 'SELECT version FROM schema_migrations FINAL', format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const done: ClickHouseMigration[] = [];
  for (const migration of options.migrations ?? readClickHouseMigrations()) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: `migration-${migration.version}` },
    });
    options.onApplied?.(migration);
    done.push(migration);
  }
  return done;
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';

export class PostgresUnreachableError extends Error {}

export interface BenchDatabase {
  name: string;
  url: string;
  serverVersion: string;
  /** Drops the database (closing any connection still open on it); safe to call twice. */
  drop(): Promise<void>;
}

async function adminQuery<T extends pg.QueryResultRow>(serverUrl: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000, application_name: 'tower-bench' });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresUnreachableError(
      `PostgreSQL is not reachable at ${redact(serverUrl)} (${reason}).\n` +
        'Start the machine\'s cluster with `pg_ctlcluster --skip-systemctl-redirect 15 main start`, or set DATABASE_URL.',
    );
  }
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the server `serverUrl` points to. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const [version] = await adminQuery<{ server_version: string }>(serverUrl, 'show server_version');
  const name = `tower_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: target.toString(),
    serverVersion: version?.server_version ?? 'unknown',
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Committed transactions in one database so far (for transactions-per-order figures). */
export async function committedTransactions(pool: pg.Pool, database: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = $1', [database]);
  return Number(rows[0]?.n ?? Number.NaN);
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

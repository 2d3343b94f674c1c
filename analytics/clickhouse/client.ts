import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { EmbeddedConnection } from './embedded-connection.ts';

export type { ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseOptions {
  /** A ClickHouse server (http:// or https://). Without it, the embedded engine (chdb) is used. */
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** The database Tower's tables live in; created when missing. */
  database: string;
  /** The embedded engine keeps its data in `<dataDir>/clickhouse`. */
  dataDir: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The options Tower's configuration describes (see server/config.ts). */
export function clickHouseOptions(config: {
  CLICKHOUSE_URL?: string | undefined;
  CLICKHOUSE_USER?: string | undefined;
  CLICKHOUSE_PASSWORD?: string | undefined;
  CLICKHOUSE_DATABASE: string;
  DATA_DIR: string;
}): ClickHouseOptions {
  return {
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    database: config.CLICKHOUSE_DATABASE,
    dataDir: config.DATA_DIR,
  };
}

export function embeddedClickHousePath(dataDir: string): string {
  return path.resolve(dataDir, 'clickhouse');
}

/**
 * The one way Tower gets a ClickHouse client: a server over HTTP when `url` is set, else the
 * in-process engine (chdb) behind the very same `ClickHouseClient` API. Callers write the same
 * SQL for both, with unqualified table names (the client's database is the current one).
 *
 * The embedded engine has one data folder per process: every client of a process must use
 * the same `dataDir`, and another process cannot open that folder while this one has it
 * open. Each client is its own native connection; close it when done.
 */
export function createClickHouse(options: ClickHouseOptions): ClickHouseClient {
  if (!IDENTIFIER.test(options.database)) throw new Error(`not a ClickHouse database name: ${options.database}`);
  if (options.url) {
    return createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      database: options.database,
      request_timeout: 30_000,
      // Failures reach the caller, which logs them in Tower's JSON logs; the client's own
      // console output would only repeat them in another format.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }
  const dataPath = embeddedClickHousePath(options.dataDir);
  mkdirSync(dataPath, { recursive: true });
  let chdb;
  try {
    chdb = createChdbConnection({ path: dataPath });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const owner = ownerOf(dataPath);
    const hint = owner
      ? `another process (pid ${owner}) has ${dataPath} open: the embedded ClickHouse belongs to one process (stop it, or use CLICKHOUSE_URL)`
      : `${reason} (a process opens one embedded ClickHouse folder only)`;
    throw new Error(`could not open the embedded ClickHouse: ${hint}`, { cause: error });
  }
  return createClient({ connection: new EmbeddedConnection(chdb, options.database) });
}

/**
 * A ClickHouse server refuses every query naming a database that does not exist yet, so the
 * database is created through a connection without one. The embedded engine's connection
 * creates it itself.
 */
export async function ensureClickHouseDatabase(options: ClickHouseOptions): Promise<void> {
  if (!options.url) return;
  const admin = createClient({ url: options.url, username: options.username ?? 'default', password: options.password ?? '', log: { level: ClickHouseLogLevel.OFF } });
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}` });
  } finally {
    await admin.close();
  }
}

/** For /api/health: the engine answers a query. */
export function clickhouseCheck(client: ClickHouseClient): () => Promise<void> {
  return async () => {
    const result = await client.ping();
    if (!result.success) throw result.error;
  };
}

/** The live process (other than this one) that holds the engine's folder, from ClickHouse's `status` file. */
function ownerOf(dataPath: string): number | undefined {
  const statusFile = path.join(dataPath, 'status');
  if (!existsSync(statusFile)) return undefined;
  const pid = Number.parseInt(/^PID: (\d+)/m.exec(readFileSync(statusFile, 'utf8'))?.[1] ?? '', 10);
  if (!Number.isInteger(pid) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

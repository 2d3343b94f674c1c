import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { applyMigrations } from './migrate.ts';

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or an open transaction: what a query needs to run. */
export type Executor = Database | Transaction;

// int8 (bigint) values such as counts arrive as strings by default; ours fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** The database Tower uses inside its embedded PostgreSQL cluster. */
export const EMBEDDED_DATABASE = 'tower';

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  /** 'embedded' when Tower started its own PostgreSQL, 'url' for DATABASE_URL. */
  kind: 'embedded' | 'url';
  url: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  embeddedPort: number;
  poolSize: number;
  onLog?: (line: string) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      port: options.embeddedPort,
      database: EMBEDDED_DATABASE,
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    url = embedded.url;
  }
  // No JIT: every statement here is short OLTP, and a plan whose estimate crosses jit_above_cost
  // (stale statistics on a table that grew fast, as in a backfill) spent 20–35 ms compiling
  // code for a 1 ms query — the shipment listing went from 0.6 to 38 ms a call (RESULTS.md).
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize, application_name: 'tower', options: '-c jit=off' });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.onLog?.(`postgres pool: ${error.message}`));
  try {
    await applyMigrations(pool);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    db: drizzle({ client: pool, schema }),
    pool,
    kind: embedded ? 'embedded' : 'url',
    url,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

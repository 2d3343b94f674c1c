import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '#db/migrate.ts';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it once its last connection is gone (closing pools hang up a moment after `end`). */
  drop(): Promise<void>;
}

/**
 * A database of a test file's own on the run's PostgreSQL server (embedded or DATABASE_URL's),
 * for what must not share rows with other files: a release dated in the past takes every order
 * placed by then, a Tower process's mail sender claims every queued email, an empty database
 * is what seeding looks for. Migrated unless `migrate: false` (a Tower process migrates itself).
 */
export async function createScratchDatabase(serverUrl: string, prefix: string, options: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (options.migrate !== false) {
    const migrator = new pg.Pool({ connectionString: url.toString(), max: 1 });
    await applyMigrations(migrator);
    await migrator.end();
  }
  return {
    name,
    url: url.toString(),
    drop: () =>
      onServer(serverUrl, async (client) => {
        for (let i = 0; i < 50; i++) {
          const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      }),
  };
}

async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '#db/migrate.ts';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { AS_OF_HEADER } from '#server/http/as-of-header.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '#test/support/test-server.ts';

const DAY_MS = 86_400_000;

/** A moment `days` (may be fractional) before now, to the millisecond. */
export function daysAgo(days: number): Date {
  return new Date(Math.floor((Date.now() - days * DAY_MS) / 1000) * 1000);
}

export function asOf(moment: Date): Record<string, string> {
  return { [AS_OF_HEADER]: moment.toISOString() };
}

/** The history backfill's client: a token with the roles the simulator is given. */
export function simulatorClient(server: TestServer): Promise<ApiClient> {
  return server.tokenClient(['manager', 'simulator']);
}

/**
 * A Tower server with the production clock wiring, on a database of its own: a release dated
 * in the past takes every order placed by then, so on the shared database it would take other
 * files' orders and theirs would take ours.
 */
export async function startHistoryServer(options: TestServerOptions = {}): Promise<TestServer> {
  const shared = new URL(inject('databaseUrl'));
  const name = `tower_history_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const own = new URL(shared);
  own.pathname = `/${name}`;
  const migrator = new pg.Pool({ connectionString: own.toString(), max: 1 });
  await applyMigrations(migrator);
  await migrator.end();
  const server = await startTestServer({ clock: requestScopedClock(systemClock), ...options, databaseUrl: own.toString() });
  return {
    ...server,
    async close() {
      await server.close();
      const cleanup = new pg.Client({ connectionString: shared.toString() });
      await cleanup.connect();
      // Closed pools hang up a moment later; forcing them off earlier fails their last reads.
      for (let i = 0; i < 50; i++) {
        const { rows } = await cleanup.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export async function outboxAt(server: TestServer, aggregateId: string): Promise<{ type: string; occurredAt: string }[]> {
  const { rows } = await server.pool.query<{ type: string; occurred_at: Date }>('select type, occurred_at from outbox where aggregate_id = $1 order by id', [aggregateId]);
  return rows.map((r) => ({ type: r.type, occurredAt: r.occurred_at.toISOString() }));
}

import { inject } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import { replayableCommits } from '#server/core/replayable-commits.ts';
import { AS_OF_HEADER } from '#server/http/as-of-header.ts';
import { createScratchDatabase } from '#test/support/scratch-database.ts';
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
  const database = await createScratchDatabase(inject('databaseUrl'), 'tower_history');
  // As main.ts: dated requests commit asynchronously (server/core/replayable-commits.ts).
  const server = await startTestServer({ clock: requestScopedClock(systemClock), wrapDb: replayableCommits, ...options, databaseUrl: database.url });
  return {
    ...server,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

export async function outboxAt(server: TestServer, aggregateId: string): Promise<{ type: string; occurredAt: string }[]> {
  const { rows } = await server.pool.query<{ type: string; occurred_at: Date }>('select type, occurred_at from outbox where aggregate_id = $1 order by id', [aggregateId]);
  return rows.map((r) => ({ type: r.type, occurredAt: r.occurred_at.toISOString() }));
}

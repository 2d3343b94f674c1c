import type pg from 'pg';
import type { Logger } from 'pino';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { BOOKKEEPING_TABLES } from '#analytics/clickhouse/migrate.ts';
import { clickhouseTargetId } from '#analytics/clickhouse/target.ts';
import { leadershipLock, resetProgress, type Progress } from './progress.ts';

export interface RebuildOptions {
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** How long to wait for a running relay of this store to let go of the lead. */
  waitMs?: number;
}

/**
 * Empties this ClickHouse store (order_events and every table the materialized views fill:
 * every MergeTree table but the bookkeeping ones) and sets its relay back to the first
 * outbox event, with a new generation so no earlier deduplication token matches. Any relay
 * (this process's, or another's) then replays the whole outbox.
 *
 * It holds the relay leadership lock meanwhile, so no relay is inserting while the tables
 * are emptied: stop other relays of this store first, or they keep the lock and this waits.
 */
export async function rebuildClickHouse(options: RebuildOptions): Promise<{ target: string; truncated: string[]; progress: Progress }> {
  const { pool, clickhouse, logger } = options;
  const target = await clickhouseTargetId(clickhouse);
  const session = await pool.connect();
  try {
    const deadline = Date.now() + (options.waitMs ?? 60_000);
    let told = false;
    for (;;) {
      const { rows } = await session.query<{ locked: boolean }>(`select pg_try_advisory_lock(${leadershipLock}) as locked`, [target]);
      if (rows[0]?.locked) break;
      if (Date.now() > deadline) throw new Error('a relay of this ClickHouse store is running (it holds the lead): stop it (RELAY=off) and retry');
      if (!told) logger.info('waiting for the running relay of this ClickHouse store to stop');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const result = await clickhouse.query({
      query: `SELECT name FROM system.tables
              WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name NOT IN ({keep:Array(String)})
              ORDER BY name`,
      query_params: { keep: [...BOOKKEEPING_TABLES] },
      format: 'JSONEachRow',
    });
    const tables = (await result.json<{ name: string }>()).map((row) => row.name);
    for (const table of tables) await clickhouse.command({ query: `TRUNCATE TABLE \`${table}\`` });
    const progress = await resetProgress(session, target);
    logger.info({ target, truncated: tables, generation: progress.generation }, 'ClickHouse emptied; the relay replays the outbox from the start');
    return { target, truncated: tables, progress };
  } finally {
    // Destroying the connection releases the lock as well.
    session.release(true);
  }
}

/**
 * A relay in a process of its own, for the tests that kill it with SIGKILL.
 *
 *   CRASH_AT=inserted  stops at that step of the first non-empty batch, prints
 *                      `CRASH_POINT <fromId> <toId>` and waits there to be killed
 *   UNTIL_ID=<n>       relays up to outbox id n, prints one JSON line of counts and exits
 *
 * with DATABASE_URL, DATA_DIR (its embedded ClickHouse) and CLICKHOUSE_DATABASE.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '#db/schema/index.ts';
import { createClickHouse } from '#analytics/clickhouse/client.ts';
import { migrateClickHouse } from '#analytics/clickhouse/migrate.ts';
import { runRelay } from '#analytics/relay/relay.ts';
import { createLogger } from '#server/logger.ts';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
const clickhouse = createClickHouse({ database: env.CLICKHOUSE_DATABASE!, dataDir: env.DATA_DIR! });
await migrateClickHouse(clickhouse, { pool });
const crashAt = env.CRASH_AT;
const relay = runRelay({
  db: drizzle({ client: pool, schema }),
  pool,
  clickhouse,
  logger: createLogger('warn'),
  batchSize: Number(env.BATCH_SIZE ?? 5_000),
  lingerMs: 0,
  hooks: {
    async onStep(step, batch) {
      if (step !== crashAt || batch.events.length === 0) return;
      process.stdout.write(`CRASH_POINT ${batch.fromId} ${batch.toId}\n`);
      await new Promise(() => {}); // SIGKILL arrives here
    },
  },
});
if (env.UNTIL_ID) {
  await relay.untilRelayed(Number(env.UNTIL_ID), 20_000);
  await relay.stop();
  const result = await clickhouse.query({
    query: `SELECT
      (SELECT count() FROM order_events WHERE event_id <= {upTo:UInt64}) AS events,
      (SELECT uniqExact(event_id) FROM order_events WHERE event_id <= {upTo:UInt64}) AS distinct,
      (SELECT countIf(aggregate_type = 'order') FROM order_events) AS order_events,
      (SELECT sum(events) FROM kpi_minute) AS rollup_events`,
    query_params: { upTo: Number(env.UNTIL_ID) },
    format: 'JSONEachRow',
  });
  process.stdout.write(`${JSON.stringify((await result.json())[0])}\n`);
  await clickhouse.close();
  await pool.end();
}

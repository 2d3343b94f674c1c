import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from './client.ts';

/**
 * The id of this ClickHouse store, kept in the store itself (`tower_meta`). The relay's
 * progress in PostgreSQL is kept per store id, so pointing Tower at a new or wiped ClickHouse
 * (or a test at a fresh database) feeds it from the first outbox event without any command,
 * and relays writing to the same store share one progress and one leader.
 *
 * Two processes creating it at once may both try to insert an id: the inserts carry one
 * deduplication token, so ClickHouse keeps the first and drops the other, and both read the
 * one that was kept.
 */
export async function clickhouseTargetId(client: ClickHouseClient): Promise<string> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS tower_meta (key String, value String, at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY key SETTINGS non_replicated_deduplication_window = 100`,
  });
  const existing = await readTarget(client);
  if (existing) return existing;
  await client.insert({
    table: 'tower_meta',
    values: [{ key: 'target', value: randomUUID() }],
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0, insert_deduplicate: 1, insert_deduplication_token: 'tower_meta:target' },
  });
  const created = await readTarget(client);
  if (!created) throw new Error('ClickHouse did not keep the store id just written to tower_meta');
  return created;
}

async function readTarget(client: ClickHouseClient): Promise<string> {
  const result = await client.query({ query: "SELECT min(value) AS value FROM tower_meta WHERE key = 'target'", format: 'JSONEachRow' });
  const rows = await result.json<{ value: string }>();
  return rows[0]?.value ?? '';
}

import { describe, expect, it } from 'vitest';
import { createClickHouse } from '#analytics/clickhouse/client.ts';
import { clickhouseTargetId } from '#analytics/clickhouse/target.ts';
import { migrateClickHouse, readClickHouseMigrations, splitStatements } from '#analytics/clickhouse/migrate.ts';
import { openTestClickHouse, rows, testDataDir, uniqueDatabase } from './clickhouse-fixture.ts';

describe('the embedded ClickHouse client', () => {
  it('answers like a ClickHouse server: each client in its database, 64-bit integers as strings, settings per query', async () => {
    const a = await openTestClickHouse();
    const b = await openTestClickHouse();
    expect(await rows(a.client, 'SELECT currentDatabase() AS db, toUInt64(7) AS n')).toEqual([{ db: a.database, n: '7' }]);
    expect(await rows(b.client, 'SELECT currentDatabase() AS db')).toEqual([{ db: b.database }]);

    await a.client.command({ query: 'CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 10' });
    const insert = (ids: number[], token?: string) =>
      a.client.insert({ table: 't', values: ids.map((id) => ({ id })), format: 'JSONEachRow', clickhouse_settings: token ? { insert_deduplication_token: token, async_insert: 0 } : { async_insert: 0 } });
    await insert([1, 2], 'batch-1');
    await insert([1, 2], 'batch-1'); // the same batch again: dropped
    // chdb keeps a SET on its connection; had the token stayed, this different insert would be dropped too.
    await insert([3]);
    expect(await rows(a.client, 'SELECT count() AS n FROM t')).toEqual([{ n: '3' }]);
    expect(await rows(a.client, "SELECT getSetting('insert_deduplication_token') AS token, getSetting('output_format_json_quote_64bit_integers') AS quoted")).toEqual([
      { token: '', quoted: true },
    ]);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('keeps one id per store, even when two clients ask for the first time at once', async () => {
    const store = await openTestClickHouse();
    const other = store.another();
    const [first, second] = await Promise.all([clickhouseTargetId(store.client), clickhouseTargetId(other)]);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toBe(first);
    expect(await clickhouseTargetId((await openTestClickHouse()).client)).not.toBe(first);
    await Promise.all([store.client.close(), other.close()]);
  });
});

describe('ClickHouse migrations', () => {
  it('are numbered files of statements, applied once and recorded, even by two runners at once', async () => {
    const migrations = readClickHouseMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: 'order_events' });
    for (const statement of migrations.flatMap((m) => m.statements)) expect(statement).toMatch(/^(CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS |ALTER TABLE \w+ ADD COLUMN IF NOT EXISTS )/);
    expect(splitStatements('-- a; comment;\nCREATE TABLE a (x String DEFAULT \';\');\n\nSELECT 1;')).toEqual(["CREATE TABLE a (x String DEFAULT ';')", 'SELECT 1']);

    // Two runners on a new database at once, without the PostgreSQL lock Tower adds.
    const database = uniqueDatabase();
    const [one, two] = [createClickHouse({ database, dataDir: testDataDir() }), createClickHouse({ database, dataDir: testDataDir() })];
    await Promise.all([migrateClickHouse(one), migrateClickHouse(two)]);
    expect(await migrateClickHouse(one)).toEqual([]);
    expect(await rows(one, 'SELECT version, name FROM schema_migrations FINAL ORDER BY version')).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    expect(await rows(one, 'SELECT count() AS n FROM schema_migrations')).toEqual([{ n: String(migrations.length) }]);
    const tables = await rows<{ name: string }>(one, 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name');
    expect(tables.map((t) => t.name)).toEqual(['daily_demand', 'daily_demand_mv', 'kpi_minute', 'kpi_minute_mv', 'order_events', 'order_facts', 'order_facts_fulfillment_mv', 'order_facts_mv', 'schema_migrations']);
    await Promise.all([one.close(), two.close()]);
  });
});

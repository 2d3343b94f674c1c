import { drizzle } from 'drizzle-orm/node-postgres';
import { asc, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '#analytics/clickhouse/client.ts';
import * as schema from '#db/schema/index.ts';
import { forecastRuns } from '#db/schema/forecasting.ts';
import { ForecastRunner } from '#server/forecasting/forecast-runner.ts';
import { startForecastSchedule, type ForecastSchedule } from '#server/forecasting/forecast-schedule.ts';
import { createLogger } from '#server/logger.ts';
import { DEFAULT_REPLENISHMENT } from '#server/replenishment/propose-restock.ts';
import { createScratchDatabase, type ScratchDatabase } from '#test/support/scratch-database.ts';
import { openTestClickHouse, testDataDir, uniqueDatabase } from '../analytics/clickhouse-fixture.ts';

/**
 * The nightly run on a clock the test moves: nothing before the hour, one run per day of history
 * however often it looks, a failed run (ClickHouse gone) tried again 15 minutes later, and nothing
 * while `ready` says no.
 */
let database: ScratchDatabase;
let pool: pg.Pool;
let good: ClickHouseClient;
let broken: ClickHouseClient;
let schedule: ForecastSchedule | undefined;
const clock = { at: new Date('2026-12-06T01:00:00Z'), now() { return this.at; } };
let clickhouse: ClickHouseClient;
let ready = true;

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'tower_forecast_schedule');
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  good = (await openTestClickHouse()).client;
  // A database nobody created: every query fails, as with ClickHouse down.
  broken = createClickHouse({ database: uniqueDatabase(), dataDir: testDataDir() });
  clickhouse = broken;
  const db = drizzle({ client: pool, schema });
  const runner = new ForecastRunner({
    db,
    // The runner reads through whichever client the test has set.
    clickhouse: new Proxy({} as ClickHouseClient, { get: (_target, key) => Reflect.get(clickhouse, key).bind(clickhouse) }),
    logger: createLogger('silent'),
    clock,
    settings: { horizonDays: 7, historyDays: 30, workers: 1, chartDays: 30, ...DEFAULT_REPLENISHMENT },
  });
  schedule = startForecastSchedule({ db, clock, logger: createLogger('silent'), runner }, { hourUtc: 2, checkEveryMs: 3_600_000, ready: () => ready });
}, 60_000);

afterAll(async () => {
  await schedule?.stop();
  await good?.close();
  await broken?.close();
  await pool?.end();
  await database?.drop();
});

async function scheduledRuns() {
  return drizzle({ client: pool, schema })
    .select({ status: forecastRuns.status, asOfDate: forecastRuns.asOfDate, error: forecastRuns.error })
    .from(forecastRuns)
    .where(eq(forecastRuns.trigger, 'schedule'))
    .orderBy(asc(forecastRuns.number));
}

async function settled() {
  await expect.poll(async () => (await scheduledRuns()).some((r) => r.status === 'running'), { timeout: 20_000 }).toBe(false);
}

describe('the nightly forecast schedule', () => {
  it('waits for its hour, retries a failed run after 15 minutes, and runs once per day of history', async () => {
    await schedule!.check();
    expect(await scheduledRuns()).toEqual([]);

    clock.at = new Date('2026-12-06T02:05:00Z');
    await schedule!.check();
    await settled();
    expect(await scheduledRuns()).toMatchObject([{ status: 'failed', asOfDate: '2026-12-05' }]);

    clock.at = new Date('2026-12-06T02:10:00Z');
    await schedule!.check();
    expect(await scheduledRuns()).toHaveLength(1);

    clickhouse = good;
    clock.at = new Date('2026-12-06T02:21:00Z');
    await schedule!.check();
    await settled();
    expect((await scheduledRuns()).map((r) => r.status)).toEqual(['failed', 'succeeded']);

    clock.at = new Date('2026-12-06T23:00:00Z');
    await schedule!.check();
    expect(await scheduledRuns()).toHaveLength(2);
  });

  it('holds back while not ready, and catches up once ready', async () => {
    ready = false;
    clock.at = new Date('2026-12-07T09:00:00Z');
    await schedule!.check();
    expect(await scheduledRuns()).toHaveLength(2);
    ready = true;
    await schedule!.check();
    await settled();
    expect((await scheduledRuns()).at(-1)).toMatchObject({ status: 'succeeded', asOfDate: '2026-12-06' });
  });
});

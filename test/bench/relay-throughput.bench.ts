/**
 * Relay throughput: events per second the relay of a real Tower process moves from a
 * pre-filled outbox into its embedded ClickHouse. Prints ONE JSON line on stdout; progress
 * goes to stderr. Settings: DATABASE_URL (a server to create a scratch database on),
 * BENCH_RELAY_EVENTS (default 200,000; a multiple of 3 is used: placed, payment.authorized,
 * allocated per order), BENCH_RELAY_BATCH_SIZE (Tower's RELAY_BATCH_SIZE, default 10,000 like Tower's).
 *
 * The outbox is filled by SQL before Tower starts (payloads shaped like the ones
 * server/orders/write-order.ts writes, 3 lines per order), with occurred_at spread over the
 * previous day: a backlog, as after an outage, which live push does not send one by one.
 * The rate is read from PostgreSQL (`relay_progress.last_id`, polled every 25 ms) between the
 * first acknowledged batch and the last, so Tower's start-up is not counted; the count in
 * ClickHouse is checked afterwards, with Tower stopped, on its data folder.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClickHouse } from '#analytics/clickhouse/client.ts';
import { applyMigrations } from '#db/migrate.ts';
import { freePort } from '#test/support/free-port.ts';
import { waitForHealthy, type TowerProcess } from '#test/support/tower-process.ts';
import { createBenchDatabase, DEFAULT_SERVER_URL, type BenchDatabase } from './support/bench-database.ts';
import { round } from './support/percentiles.ts';
import { releaseBenchServer, spawnTowerServer, stopTowerServer } from './support/tower-server.ts';
import { runBenchMain } from './support/bench-main.ts';

const TARGETS = { eventsPerSecAtLeast: 20_000 };
const orders = Math.ceil(Number(process.env.BENCH_RELAY_EVENTS ?? 200_000) / 3);
const events = orders * 3;
const batchSize = Number(process.env.BENCH_RELAY_BATCH_SIZE ?? 10_000);
if (!Number.isInteger(orders) || orders < 1 || !Number.isInteger(batchSize) || batchSize < 1) throw new Error('BENCH_RELAY_EVENTS and BENCH_RELAY_BATCH_SIZE must be whole numbers ≥ 1');

const progress = (message: string) => process.stderr.write(`[relay-throughput] ${message}\n`);

let database: BenchDatabase | undefined;
let tower: TowerProcess | undefined;
let pool: pg.Pool | undefined;
let dataDir: string | undefined;

async function cleanUp(): Promise<void> {
  await pool?.end().catch(() => undefined);
  await releaseBenchServer({ tower, dataDir, database }, progress);
}

/** `orders` orders' worth of events, 3 each, in one statement per chunk (ids in order). */
async function prefill(pool: pg.Pool): Promise<void> {
  const chunk = 20_000;
  for (let from = 0; from < orders; from += chunk) {
    const to = Math.min(orders, from + chunk) - 1;
    await pool.query(
      `with o as (
         select g, gen_random_uuid() as order_id,
                now() - interval '1 day' + (g * interval '1 day' / $3::int) as at,
                (array['web','store','marketplace','phone','b2b'])[1 + g % 5] as channel,
                gen_random_uuid() as location_id,
                1999 + (g % 97) * 100 as total
         from generate_series($1::int, $2::int) g
       ), e as (
         select o.*, k from o cross join generate_series(1, 3) k
       )
       insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload)
       select case k when 1 then 'order.placed' when 2 then 'payment.authorized' else 'order.allocated' end,
              'order', order_id, at,
              case k
                when 1 then jsonb_build_object(
                  'channel', channel, 'currency', 'USD',
                  'totals', jsonb_build_object('subtotal', total - 500, 'discount', 0, 'tax', 200, 'shipping', 300, 'total', total),
                  'lines', jsonb_build_array(
                    jsonb_build_object('sku', 'BENCH-' || (g % 600), 'category', 'apparel', 'quantity', 1 + g % 3, 'unitPriceCents', 999, 'discountCents', 0, 'taxCents', 80),
                    jsonb_build_object('sku', 'BENCH-' || ((g + 7) % 600), 'category', 'home', 'quantity', 1, 'unitPriceCents', 499, 'discountCents', 0, 'taxCents', 40),
                    jsonb_build_object('sku', 'BENCH-' || ((g + 13) % 600), 'category', 'toys', 'quantity', 2, 'unitPriceCents', 250, 'discountCents', 0, 'taxCents', 40)),
                  'promotions', '[]'::jsonb,
                  'delivery', jsonb_build_object('method', 'ship', 'service', 'standard'),
                  'destination', jsonb_build_object('country', 'US', 'region', 'TX', 'postalCode', '73301'))
                when 2 then jsonb_build_object('amountCents', total, 'currency', 'USD', 'provider', 'sandbox')
                else jsonb_build_object('channel', channel, 'allocations', jsonb_build_array(
                  jsonb_build_object('sku', 'BENCH-' || (g % 600), 'locationId', location_id, 'quantity', 1 + g % 3),
                  jsonb_build_object('sku', 'BENCH-' || ((g + 7) % 600), 'locationId', location_id, 'quantity', 1),
                  jsonb_build_object('sku', 'BENCH-' || ((g + 13) % 600), 'locationId', location_id, 'quantity', 2)))
              end
       from e order by g, k`,
      [from, to, orders],
    );
    progress(`outbox: ${(to + 1) * 3} / ${events} events`);
  }
}

async function measure() {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_SERVER_URL;
  database = await createBenchDatabase(serverUrl);
  progress(`created ${database.name} on PostgreSQL ${database.serverVersion}`);
  pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'tower-bench' });
  await applyMigrations(pool);
  const filledAt = Date.now();
  await prefill(pool);
  await pool.query('analyze outbox');
  const { rows: [bounds] } = await pool.query<{ max: string; n: string }>('select max(id)::text as max, count(*)::text as n from outbox');
  const lastId = Number(bounds!.max);
  progress(`outbox filled with ${bounds!.n} events in ${Date.now() - filledAt} ms; starting Tower`);

  dataDir = mkdtempSync(path.join(tmpdir(), 'tower-bench-relay-'));
  const port = await freePort();
  tower = spawnTowerServer({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    SIMULATE: 'off',
    LOG_LEVEL: 'warn',
    RELAY_BATCH_SIZE: String(batchSize),
  });
  const started = Date.now();
  let first: { at: number; id: number } | null = null;
  let last: { at: number; id: number } | null = null;
  const deadline = started + 300_000;
  const healthy = waitForHealthy(tower, 120_000).then(() => progress(`Tower healthy after ${Date.now() - started} ms`));
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ last_id: string }>('select last_id::text from relay_progress');
    const id = Number(rows[0]?.last_id ?? 0);
    const at = performance.now();
    if (id > 0 && !first) {
      first = { at, id };
      progress(`first batch acknowledged (up to id ${id})`);
    }
    if (id >= lastId) {
      last = { at, id };
      break;
    }
    if (tower.child.exitCode !== null) throw new Error(`Tower exited:\n${tower.output().slice(-4_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await healthy;
  if (!first || !last) throw new Error(`the relay did not finish within ${(deadline - started) / 1000} s`);
  const seconds = (last.at - first.at) / 1000;
  const moved = last.id - first.id;
  const rate = moved / seconds;
  progress(`relayed ${moved} events in ${round(seconds, 3)} s after the first batch: ${round(rate)} events/s`);

  await stopTowerServer(tower);
  const clickhouse = createClickHouse({ database: 'tower', dataDir });
  const counted = await clickhouse.query({ query: 'SELECT count() AS n, uniqExact(event_id) AS u FROM order_events', format: 'JSONEachRow' });
  const [count] = await counted.json<{ n: string; u: string }>();
  await clickhouse.close();
  const inClickHouse = Number(count!.n);
  progress(`ClickHouse order_events: ${inClickHouse} rows, ${count!.u} distinct ids`);

  return {
    bench: 'relay-throughput',
    date: new Date().toISOString(),
    postgres: database.serverVersion,
    engine: 'chdb 3.4.0 (embedded)',
    events,
    batchSize,
    eventsPerSec: round(rate),
    measuredEvents: moved,
    measuredSeconds: round(seconds, 3),
    inClickHouse,
    targets: TARGETS,
    pass: rate >= TARGETS.eventsPerSecAtLeast && inClickHouse === events && Number(count!.u) === events,
    details: { cores: availableParallelism(), firstBatchToId: first.id },
  };
}

await runBenchMain({ measure, cleanUp, progress, serverOutput: () => tower?.output() });

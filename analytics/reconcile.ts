/**
 * Reconciliation: PostgreSQL (the source of truth) against ClickHouse, per UTC day of
 * placement: orders, units and revenue (order totals). Every difference is reported.
 *
 * Only what the relay has reached is compared: orders whose order.placed outbox id is at or
 * below the store's relay cursor (relay_progress.last_id), in PostgreSQL, and order.placed
 * rows with event_id at or below it, in ClickHouse. So orders placed while reconciling, or
 * not yet relayed, are not differences; a missing, extra or duplicated row is. ClickHouse
 * rows are counted as stored (no FINAL): that is what the KPIs read.
 *
 *   npm run analytics:reconcile -- --from 2026-11-01T00:00:00Z --to 2026-11-24T00:00:00Z
 *
 * prints the report as JSON and exits 0 when nothing differs, 3 when something does.
 */
import { pathToFileURL } from 'node:url';
import type { Database } from '#db/client.ts';
import type { ClickHouseClient } from './clickhouse/client.ts';
import { clickhouseTargetId } from './clickhouse/target.ts';
import { clickhouseTime } from './relay/event-row.ts';
import { readProgress, type Queryable } from './relay/progress.ts';

export interface DayFigures {
  orders: number;
  units: number;
  revenueCents: number;
}

export interface ReconciliationDifference {
  /** YYYY-MM-DD (UTC). */
  day: string;
  field: keyof DayFigures;
  postgres: number;
  clickhouse: number;
}

export interface Reconciliation {
  from: string;
  to: string;
  /** Outbox ids up to this one were compared (the relay's cursor for this store). */
  upToOutboxId: number;
  days: { day: string; postgres: DayFigures; clickhouse: DayFigures }[];
  differences: ReconciliationDifference[];
  ok: boolean;
}

const FIELDS: (keyof DayFigures)[] = ['orders', 'units', 'revenueCents'];
const NONE: DayFigures = { orders: 0, units: 0, revenueCents: 0 };

/** The pg pool under Tower's drizzle database (drizzle's node-postgres driver keeps it as `$client`). */
export function poolOf(db: Database): Queryable {
  return (db as Database & { $client: Queryable }).$client;
}

export async function reconcile(pool: Queryable, clickhouse: ClickHouseClient, window: { from: Date; to: Date }): Promise<Reconciliation> {
  if (!(window.from.getTime() < window.to.getTime())) throw new RangeError('the window must have from < to');
  const target = await clickhouseTargetId(clickhouse);
  const upTo = (await readProgress(pool, target))?.lastId ?? 0;

  const { rows: pgRows } = await pool.query<{ day: string; orders: string; units: string; revenue: string }>(
    `select to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD') as day,
            count(*)::text as orders,
            coalesce(sum((select sum(l.quantity) from order_lines l where l.order_id = o.id)), 0)::text as units,
            coalesce(sum(o.total_cents), 0)::text as revenue
       from orders o
      where o.placed_at >= $1 and o.placed_at < $2
        and exists (select 1 from outbox e where e.aggregate_id = o.id and e.type = 'order.placed' and e.id <= $3)
      group by 1`,
    [window.from, window.to, upTo],
  );
  const result = await clickhouse.query({
    query: `SELECT toString(toDate(occurred_at)) AS day, count() AS orders, sum(units) AS units, sum(amount_cents) AS revenue
            FROM order_events
            WHERE type = 'order.placed' AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
              AND event_id <= {upTo:UInt64}
            GROUP BY day`,
    query_params: { from: clickhouseTime(window.from), to: clickhouseTime(window.to), upTo },
    format: 'JSONEachRow',
  });
  const chRows = await result.json<{ day: string; orders: string; units: string; revenue: string }>();

  const figures = (row: { orders: string; units: string; revenue: string }): DayFigures => ({ orders: Number(row.orders), units: Number(row.units), revenueCents: Number(row.revenue) });
  const postgres = new Map(pgRows.map((r) => [r.day, figures(r)]));
  const clickhouseDays = new Map(chRows.map((r) => [r.day, figures(r)]));
  const days = [...new Set([...postgres.keys(), ...clickhouseDays.keys()])].sort().map((day) => ({ day, postgres: postgres.get(day) ?? NONE, clickhouse: clickhouseDays.get(day) ?? NONE }));
  const differences = days.flatMap(({ day, postgres: pg, clickhouse: ch }) =>
    FIELDS.filter((field) => pg[field] !== ch[field]).map((field) => ({ day, field, postgres: pg[field], clickhouse: ch[field] })),
  );
  return { from: window.from.toISOString(), to: window.to.toISOString(), upToOutboxId: upTo, days, differences, ok: differences.length === 0 };
}

async function main(args: string[]): Promise<number> {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const unknown = args.filter((arg, i) => arg.startsWith('--') && !['--from', '--to'].includes(arg) && !['--from', '--to'].includes(args[i - 1] ?? ''));
  const from = new Date(value('--from') ?? '');
  const to = new Date(value('--to') ?? '');
  if (unknown.length > 0 || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    console.error('usage: npm run analytics:reconcile -- --from <ISO date-time> --to <ISO date-time> (from before to)');
    return 2;
  }
  const { ConfigError, loadConfig } = await import('#server/config.ts');
  const { EMBEDDED_DATABASE, openDatabase } = await import('#db/client.ts');
  const { runningEmbeddedPostgresUrl } = await import('#db/embedded-postgres.ts');
  const { clickHouseOptions, createClickHouse } = await import('./clickhouse/client.ts');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL ?? runningEmbeddedPostgresUrl(config.DATA_DIR, EMBEDDED_DATABASE),
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_PG_PORT,
    poolSize: 2,
  });
  let clickhouse: ClickHouseClient | undefined;
  try {
    clickhouse = createClickHouse(clickHouseOptions(config));
    const report = await reconcile(database.pool, clickhouse, { from, to });
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 3;
  } finally {
    await clickhouse?.close();
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}

/**
 * KPI query latency over 10 million events in the embedded ClickHouse (chdb). Generates the
 * events with one INSERT … SELECT FROM numbers() per million into order_events (so every
 * materialized view runs as with relayed events), then times computeKpis — what GET /api/kpis
 * runs — for a 30-day window: 50 calls unfiltered, 20 with a channel filter, 20 with a
 * location filter. Prints ONE JSON line; progress goes to stderr.
 * Settings: BENCH_KPI_EVENTS (default 10000000), BENCH_KPI_CALLS (default 50).
 *
 * The generated history: 90 days up to now, 8 event slots per order (1.25M orders, one every
 * ~6 s): placed, payment.authorized, allocated (backordered 1 in 20), shipped (cancelled
 * 1 in 33), delivered 30–150 h after placement, a second shipment for 1 order in 10 (else an
 * inventory.adjusted), a return for 1 in 20 (else payment.captured), inventory.adjusted;
 * 5 channels, 8 locations, 12 categories, 600 SKUs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClickHouse } from '#analytics/clickhouse/client.ts';
import { migrateClickHouse } from '#analytics/clickhouse/migrate.ts';
import { computeKpis, type KpiQuery } from '#analytics/kpis/compute-kpis.ts';
import { summarizeLatencies, round } from './support/percentiles.ts';

const TARGET = { p50MsBelow: 150 };
const events = Number(process.env.BENCH_KPI_EVENTS ?? 10_000_000);
const calls = Number(process.env.BENCH_KPI_CALLS ?? 50);
const progress = (message: string) => process.stderr.write(`[kpi-query] ${message}\n`);

const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-kpi-bench-'));
const clickhouse = createClickHouse({ database: 'kpi_bench', dataDir });

const DAY_MS = 86_400_000;
const now = Date.now();
const startMs = now - 90 * DAY_MS;
const orders = Math.ceil(events / 8);
const spacingMs = Math.max(1, Math.floor((90 * DAY_MS) / orders));

/** One chunk of generated events: rows n in [start, start + count), order k = n / 8, slot = n % 8. */
function generateSql(start: number, count: number): string {
  return `
INSERT INTO order_events
  (event_id, event_uuid, type, aggregate_type, aggregate_id, order_id, occurred_at, channel, currency, status,
   location_id, amount_cents, subtotal_cents, units, backordered_units, from_backorder, delivery_method, delivery_service, country, region,
   lines.sku, lines.category, lines.location_id, lines.quantity, lines.unit_price_cents, lines.discount_cents, lines.tax_cents,
   payload, carrier, shipment_id, shipment_number, packages, placed_at, promised_at, delivered_at,
   label_cost_cents, packaging_cost_cents, pick_pack_cost_cents)
SELECT
  n + 1 AS event_id,
  generateUUIDv4(n) AS event_uuid,
  type,
  if(type = 'inventory.adjusted', 'inventory', 'order') AS aggregate_type,
  oid AS aggregate_id,
  if(type = 'inventory.adjusted', toUUID('00000000-0000-0000-0000-000000000000'), oid) AS order_id,
  occurred AS occurred_at,
  ['web', 'web', 'web', 'store', 'marketplace', 'marketplace', 'phone', 'b2b'][k % 8 + 1] AS channel,
  'USD' AS currency,
  multiIf(type = 'order.placed', 'placed', type = 'order.allocated', 'allocated', type = 'order.backordered', 'backordered',
          type = 'order.cancelled', 'cancelled', type = 'order.shipped', 'shipped', type = 'order.delivered', 'delivered', '') AS status,
  loc AS location_id,
  if(type = 'order.placed', 1000 + (k * 7919) % 20000, 0) AS amount_cents,
  if(type = 'order.placed', 1000 + (k * 7919) % 20000, 0) AS subtotal_cents,
  qty AS units,
  if(type = 'order.backordered', qty, 0) AS backordered_units,
  0 AS from_backorder,
  'ship' AS delivery_method,
  'standard' AS delivery_service,
  'US' AS country,
  ['TX', 'CA', 'NY', 'WA', 'FL'][k % 5 + 1] AS region,
  [concat('SKU-', toString(k % 600))] AS \`lines.sku\`,
  [concat('category-', toString(k % 12))] AS \`lines.category\`,
  [if(type IN ('order.placed', 'order.backordered'), toUUID('00000000-0000-0000-0000-000000000000'), loc)] AS \`lines.location_id\`,
  [qty] AS \`lines.quantity\`,
  [1000] AS \`lines.unit_price_cents\`,
  [0] AS \`lines.discount_cents\`,
  [0] AS \`lines.tax_cents\`,
  '{}' AS payload,
  if(type IN ('order.shipped', 'order.delivered'), ['ups', 'fedex', 'usps'][k % 3 + 1], '') AS carrier,
  if(type IN ('order.shipped', 'order.delivered', 'return.received'), concat(toString(k), '-', toString(slot)), '') AS shipment_id,
  multiIf(type = 'order.shipped' AND slot = 3, 1, type = 'order.shipped', 2, 0) AS shipment_number,
  if(type = 'order.shipped', 1, 0) AS packages,
  if(type IN ('order.shipped', 'order.delivered', 'return.received'), placed, NULL) AS placed_at,
  if(type IN ('order.shipped', 'order.delivered'), placed + toIntervalHour(96), NULL) AS promised_at,
  if(type = 'order.delivered', occurred, NULL) AS delivered_at,
  if(type = 'order.shipped', 400 + k % 300, 0) AS label_cost_cents,
  if(type = 'order.shipped', 50 + k % 30, 0) AS packaging_cost_cents,
  if(type = 'order.shipped', 150 + k % 100, 0) AS pick_pack_cost_cents
FROM
(
  SELECT
    number AS n,
    intDiv(number, 8) AS k,
    number % 8 AS slot,
    toUUID(concat('00000000-0000-4000-8000-', leftPad(hex(k), 12, '0'))) AS oid,
    toUUID(concat('00000000-0000-0000-0000-00000000000', toString(k % 8 + 1))) AS loc,
    toInt64(1 + k % 4) AS qty,
    fromUnixTimestamp64Milli(toInt64(${startMs} + k * ${spacingMs}), 'UTC') AS placed,
    multiIf(
      slot = 0, 'order.placed',
      slot = 1, 'payment.authorized',
      slot = 2, if(k % 20 = 0, 'order.backordered', 'order.allocated'),
      slot = 3, if(k % 33 = 0, 'order.cancelled', 'order.shipped'),
      slot = 4, 'order.delivered',
      slot = 5, if(k % 10 = 0, 'order.shipped', 'inventory.adjusted'),
      slot = 6, if(k % 20 = 0, 'return.received', 'payment.captured'),
      'inventory.adjusted') AS type,
    placed + toIntervalMillisecond(multiIf(
      slot <= 2, 0,
      slot = 3, (12 + k % 48) * 3600000,
      slot = 4, (30 + (k * 7) % 120) * 3600000,
      slot = 5, (20 + k % 30) * 3600000,
      slot = 6, 240 * 3600000,
      3600000)) AS occurred
  FROM numbers(${start}, ${count})
)`;
}

async function main() {
  await migrateClickHouse(clickhouse);
  const generateStarted = performance.now();
  const chunk = 1_000_000;
  for (let start = 0; start < events; start += chunk) {
    await clickhouse.command({ query: generateSql(start, Math.min(chunk, events - start)), clickhouse_settings: { async_insert: 0 } });
    progress(`${Math.min(events, start + chunk).toLocaleString('en-US')} events`);
  }
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  const [totals] = await (await clickhouse.query({ query: 'SELECT count() AS stored, toUnixTimestamp64Milli(max(occurred_at)) AS newest FROM order_events', format: 'JSONEachRow' })).json<{ stored: string; newest: string }>();
  const { stored, newest } = totals!;
  progress(`${Number(stored).toLocaleString('en-US')} events in ${generateSeconds.toFixed(1)} s`);

  const to = new Date(Math.min(Number(newest), now));
  const window: KpiQuery = { from: new Date(to.getTime() - 30 * DAY_MS), to };
  const time = async (query: KpiQuery, n: number) => {
    for (let i = 0; i < 3; i += 1) await computeKpis(clickhouse, query); // warm-up
    const latencies: number[] = [];
    let last;
    for (let i = 0; i < n; i += 1) {
      const started = performance.now();
      last = await computeKpis(clickhouse, query);
      latencies.push(performance.now() - started);
    }
    return { ...summarizeLatencies(latencies), sample: last };
  };
  const unfiltered = await time(window, calls);
  progress(`unfiltered 30 days: p50 ${unfiltered.p50Ms} ms, p99 ${unfiltered.p99Ms} ms`);
  const byChannel = await time({ ...window, channel: 'web' }, 20);
  const byLocation = await time({ ...window, locationId: '00000000-0000-0000-0000-000000000003' }, 20);
  const result = {
    bench: 'kpi-query',
    date: new Date().toISOString(),
    engine: 'chdb 3.4.0 (embedded)',
    events: Number(stored),
    generateSeconds: round(generateSeconds, 1),
    window: '30 days',
    calls,
    p50Ms: unfiltered.p50Ms,
    p90Ms: unfiltered.p90Ms,
    p99Ms: unfiltered.p99Ms,
    maxMs: unfiltered.maxMs,
    channelFilter: { p50Ms: byChannel.p50Ms, p99Ms: byChannel.p99Ms },
    locationFilter: { p50Ms: byLocation.p50Ms, p99Ms: byLocation.p99Ms },
    targets: TARGET,
    pass: unfiltered.p50Ms < TARGET.p50MsBelow,
    details: { sample: unfiltered.sample },
  };
  console.log(JSON.stringify(result));
}

try {
  await main();
} finally {
  await clickhouse.close();
  rmSync(dataDir, { recursive: true, force: true });
}

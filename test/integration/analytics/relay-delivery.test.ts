import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRelay, type RelayHandle, type RelayOptions } from '#analytics/relay/relay.ts';
import { rebuildClickHouse } from '#analytics/relay/rebuild.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { maxOutboxId, memoryLogger, openTestClickHouse, rows } from './clickhouse-fixture.ts';

let server: TestServer;
const relays: RelayHandle[] = [];
const { logger } = memoryLogger();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  await server.close();
});

function relay(clickhouse: RelayOptions['clickhouse'], options: Partial<RelayOptions> = {}): RelayHandle {
  const handle = runRelay({ db: server.db, pool: server.pool, clickhouse, logger, lingerMs: 0, leaderRetryMs: 50, ...options });
  relays.push(handle);
  return handle;
}

/** Inserts a bare outbox row, in `client`'s transaction if it has one open. */
async function insertEvent(client: { query: (text: string, values: unknown[]) => Promise<{ rows: { id: string }[] }> }, type: string): Promise<number> {
  const { rows: [row] } = await client.query(
    `insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload) values ($1, 'test', $2, now(), '{}') returning id::text`,
    [type, randomUUID()],
  );
  return Number(row!.id);
}

describe('the outbox relay', () => {
  it('brings events placed through the API to order_events with their typed columns, and feeds the views', async () => {
    const ch = await openTestClickHouse();
    const { location, product } = await stockedProduct(server.api, 10, { priceCents: 1_000, category: 'mugs' });
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 3 }], { channel: 'web' }));
    const full = (await server.api.get(`/api/orders/${order.id}`)).body;
    expectStatus(await server.api.post(`/api/orders/${order.id}/cancel`, { reason: 'changed mind' }), 200);

    const handle = relay(ch.client);
    await handle.untilRelayed(await maxOutboxId(server.pool));

    type Row = Record<string, any>;
    const events = await rows<Row>(ch.client, 'SELECT * FROM order_events FINAL WHERE order_id = {id:UUID} ORDER BY event_id', { id: order.id });
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'payment.authorized', 'order.allocated', 'order.cancelled', 'payment.voided']);
    const [placed, authorized, allocated, cancelled, voided] = events as [Row, Row, Row, Row, Row];
    expect(placed).toMatchObject({
      channel: 'web',
      currency: 'USD',
      status: 'placed',
      amount_cents: String(full.totals.total),
      subtotal_cents: String(full.totals.subtotal),
      tax_cents: String(full.totals.tax),
      shipping_cents: String(full.totals.shipping),
      units: '3',
      country: 'US',
      region: 'TX',
      delivery_method: 'ship',
      delivery_service: 'standard',
      'lines.sku': [product.sku],
      'lines.category': ['mugs'],
      'lines.quantity': ['3'],
      'lines.unit_price_cents': ['1000'],
    });
    expect(new Date(`${placed.occurred_at}Z`).toISOString()).toBe(new Date(full.createdAt).toISOString());
    expect(JSON.parse(placed.payload)).toMatchObject({ channel: 'web', totals: full.totals });
    expect(authorized).toMatchObject({ amount_cents: String(full.totals.total), status: '' });
    expect(allocated).toMatchObject({ status: 'allocated', location_id: location.id, units: '3', 'lines.location_id': [location.id] });
    expect(cancelled).toMatchObject({ status: 'cancelled', from_status: 'allocated', amount_cents: String(full.totals.total), units: '3', location_id: location.id });
    expect(voided.type).toBe('payment.voided');
    for (const e of events) expect(e.event_id).toMatch(/^\d+$/);

    const [stock] = await rows<Row>(ch.client, "SELECT * FROM order_events FINAL WHERE type = 'inventory.adjusted' AND has(lines.sku, {sku:String})", { sku: product.sku });
    expect(stock).toMatchObject({ location_id: location.id, units: '10', order_id: '00000000-0000-0000-0000-000000000000' });

    const [facts] = await rows<Row>(
      ch.client,
      `SELECT max(channel) AS channel, max(status).2 AS status, min(placed_at) AS placed_at, min(cancelled_at) AS cancelled_at,
              max(total_cents) AS total, max(authorized_cents) AS authorized, max(units) AS units, max(location_id) AS location
       FROM order_facts WHERE order_id = {id:UUID} GROUP BY order_id`,
      { id: order.id },
    );
    expect(facts).toMatchObject({ channel: 'web', status: 'cancelled', total: String(full.totals.total), authorized: String(full.totals.total), units: '3', location: location.id });
    expect(facts!.placed_at).toBe(placed.occurred_at);
    expect(facts!.cancelled_at).toBe(cancelled.occurred_at);

    const demand = await rows<Row>(
      ch.client,
      'SELECT location_id, channel, sum(units) AS units, sum(cancelled_units) AS cancelled, sum(order_lines) AS lines FROM daily_demand WHERE sku = {sku:String} GROUP BY location_id, channel',
      { sku: product.sku },
    );
    expect(demand).toEqual([{ location_id: location.id, channel: 'web', units: '3', cancelled: '3', lines: '1' }]);

    // The per-minute rollup counts exactly the order events that order_events holds.
    const [rollup] = await rows<Row>(ch.client, 'SELECT sum(events) AS events, sum(orders) AS orders FROM kpi_minute');
    const [raw] = await rows<Row>(ch.client, "SELECT countIf(aggregate_type = 'order') AS events, countIf(type = 'order.placed') AS orders FROM order_events");
    expect(rollup).toEqual(raw);
    expect(handle.stats()).toMatchObject({ leader: true, failures: 0 });
    expect(handle.stats().events).toBeGreaterThanOrEqual(events.length);
    await handle.stop();
    await ch.client.close();
  });

  it('follows a backorder through hold, release and a later allocation, counting its demand once', async () => {
    const ch = await openTestClickHouse();
    const { location, product } = await stockedProduct(server.api, 2);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 5 }], { channel: 'phone' }));
    expect(order.status).toBe('backordered');
    expectStatus(await server.api.post(`/api/orders/${order.id}/hold`, { reason: 'check address' }), 200);
    expectStatus(await server.api.post(`/api/orders/${order.id}/release`, {}), 200);
    expectStatus(await server.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: 3, reason: 'receipt' }), 201);

    const handle = relay(ch.client);
    await handle.untilRelayed(await maxOutboxId(server.pool));
    const nil = '00000000-0000-0000-0000-000000000000';
    type Row = Record<string, any>;
    const events = await rows<Row>(
      ch.client,
      "SELECT type, status, from_status, units, backordered_units, from_backorder, lines.location_id AS locations FROM order_events FINAL WHERE order_id = {id:UUID} AND type LIKE 'order.%' ORDER BY event_id",
      { id: order.id },
    );
    expect(events).toEqual([
      { type: 'order.placed', status: 'placed', from_status: '', units: '5', backordered_units: '0', from_backorder: 0, locations: [nil] },
      { type: 'order.backordered', status: 'backordered', from_status: '', units: '2', backordered_units: '3', from_backorder: 0, locations: [location.id, nil] },
      { type: 'order.held', status: 'on_hold', from_status: 'backordered', units: '0', backordered_units: '0', from_backorder: 0, locations: [] },
      { type: 'order.released', status: 'backordered', from_status: '', units: '0', backordered_units: '0', from_backorder: 0, locations: [] },
      { type: 'order.allocated', status: 'allocated', from_status: '', units: '3', backordered_units: '0', from_backorder: 1, locations: [location.id] },
    ]);

    const demand = await rows<Row>(
      ch.client,
      'SELECT location_id, channel, sum(units) AS units, sum(backordered_units) AS backordered FROM daily_demand WHERE sku = {sku:String} GROUP BY location_id, channel ORDER BY units',
      { sku: product.sku },
    );
    expect(demand).toEqual([
      { location_id: location.id, channel: 'phone', units: '2', backordered: '0' },
      { location_id: nil, channel: 'phone', units: '3', backordered: '3' },
    ]);
    const [facts] = await rows<Row>(
      ch.client,
      `SELECT max(status).2 AS status, min(backordered_at) IS NOT NULL AS backordered, min(held_at) IS NOT NULL AS held,
              min(allocated_at) >= min(backordered_at) AS allocated_after, max(backordered_units) AS short, max(units) AS units
       FROM order_facts WHERE order_id = {id:UUID}`,
      { id: order.id },
    );
    expect(facts).toEqual({ status: 'allocated', backordered: 1, held: 1, allocated_after: 1, short: '3', units: '5' });
    await handle.stop();
    await ch.client.close();
  });

  it('waits for an outbox id that commits after a larger one, and passes ids that were rolled back', async () => {
    const ch = await openTestClickHouse();
    const handle = relay(ch.client, { gapGraceMs: 20 });
    await handle.untilRelayed(await maxOutboxId(server.pool));

    const held = await server.pool.connect();
    try {
      await held.query('begin');
      const heldId = await insertEvent(held, 'test.held');
      const laterId = await insertEvent(server.pool, 'test.later');
      expect(laterId).toBeGreaterThan(heldId);

      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handle.stats().lastRelayedId).toBeLessThan(heldId);
      expect(handle.relayLagMs()).toBeGreaterThan(0);
      await held.query('commit');
      await handle.untilRelayed(laterId);

      // A transaction that rolls back leaves a hole in the ids forever: the relay must not stall on it.
      await held.query('begin');
      const abandoned = await insertEvent(held, 'test.rolled_back');
      const after = await insertEvent(server.pool, 'test.after_rollback');
      await held.query('rollback');
      await handle.untilRelayed(after);

      const relayed = await rows<{ type: string; n: string }>(
        ch.client,
        "SELECT type, count() AS n FROM order_events WHERE event_id IN ({ids:Array(UInt64)}) GROUP BY type ORDER BY type",
        { ids: [heldId, laterId, abandoned, after] },
      );
      expect(relayed).toEqual([
        { type: 'test.after_rollback', n: '1' },
        { type: 'test.held', n: '1' },
        { type: 'test.later', n: '1' },
      ]);
    } finally {
      held.release();
    }
    await handle.stop();
    await ch.client.close();
  });

  it('with two relays on one store, one leads, the other takes over when it stops, and nothing is doubled', async () => {
    const ch = await openTestClickHouse();
    // The new store first takes the outbox so far (every earlier file's events) in large batches,
    // so that the two relays share this test's own events, five at a time: relaying the whole
    // suite's outbox five at a time took longer than untilRelayed's 15 s on a busy machine
    // (817 events, at 775 after 15 s, at load 9).
    const warmup = relay(ch.client);
    await warmup.untilRelayed(await maxOutboxId(server.pool));
    await warmup.stop();
    const first = relay(ch.client, { batchSize: 5 });
    const second = relay(ch.another(), { batchSize: 5 });
    const { product } = await stockedProduct(server.api, 100);
    await Promise.all(Array.from({ length: 6 }, () => placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))));
    await first.untilRelayed(await maxOutboxId(server.pool));
    expect([first.stats().leader, second.stats().leader].sort()).toEqual([false, true]);

    const leader = first.stats().leader ? first : second;
    const follower = leader === first ? second : first;
    await leader.stop();
    await Promise.all(Array.from({ length: 4 }, () => placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]))));
    const last = await maxOutboxId(server.pool);
    await follower.untilRelayed(last);
    expect(follower.stats().leader).toBe(true);

    await assertExactlyTheOutbox(ch.client, last);
    const [{ orders }] = (await rows<{ orders: string }>(
      ch.client,
      "SELECT count() AS orders FROM order_events WHERE type = 'order.placed' AND has(lines.sku, {sku:String})",
      { sku: product.sku },
    )) as [{ orders: string }];
    expect(orders).toBe('10');
    await follower.stop();
    await ch.client.close();
  });

  it('rebuilds: an emptied store replays the whole outbox to the same counts', async () => {
    const ch = await openTestClickHouse();
    const { product } = await stockedProduct(server.api, 10);
    await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    let handle = relay(ch.client);
    const upTo = await maxOutboxId(server.pool);
    await handle.untilRelayed(upTo);
    await handle.stop();
    const before = await storeCounts(ch.client, upTo);

    const rebuilt = await rebuildClickHouse({ pool: server.pool, clickhouse: ch.client, logger });
    expect(rebuilt.truncated).toEqual(['daily_demand', 'kpi_minute', 'order_events', 'order_facts']);
    expect(rebuilt.progress).toMatchObject({ lastId: 0, pendingTo: null, generation: 2 });
    expect((await rows<{ n: string }>(ch.client, 'SELECT count() AS n FROM order_events'))[0]!.n).toBe('0');

    handle = relay(ch.client);
    await handle.untilRelayed(upTo);
    await handle.stop();
    expect(await storeCounts(ch.client, upTo)).toEqual(before);
    await assertExactlyTheOutbox(ch.client, upTo);
    await ch.client.close();
  });
});

/** Counts from every table, for events up to `upTo` (other tests keep adding events). */
async function storeCounts(client: RelayOptions['clickhouse'], upTo: number) {
  const [counts] = await rows<Record<string, string>>(
    client,
    `SELECT
       (SELECT count() FROM order_events WHERE event_id <= {upTo:UInt64}) AS events,
       (SELECT sum(events) FROM kpi_minute) AS rollup_events,
       (SELECT sum(units) FROM daily_demand) AS demand_units,
       (SELECT uniqExact(order_id) FROM order_facts) AS orders`,
    { upTo },
  );
  return counts;
}

/** ClickHouse holds each outbox event up to `upTo` exactly once (not merged away: no FINAL). */
async function assertExactlyTheOutbox(client: RelayOptions['clickhouse'], upTo: number) {
  const { rows: [outbox] } = await server.pool.query<{ n: string }>('select count(*)::text as n from outbox where id <= $1', [upTo]);
  const [stored] = await rows<{ n: string; distinct: string }>(
    client,
    'SELECT count() AS n, uniqExact(event_id) AS distinct FROM order_events WHERE event_id <= {upTo:UInt64}',
    { upTo },
  );
  expect(stored).toEqual({ n: outbox!.n, distinct: outbox!.n });
}

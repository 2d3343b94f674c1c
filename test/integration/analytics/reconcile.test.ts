import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { poolOf, reconcile } from '#analytics/reconcile.ts';
import { runRelay, type RelayHandle } from '#analytics/relay/relay.ts';
import { expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { maxOutboxId, memoryLogger, openTestClickHouse, rows } from './clickhouse-fixture.ts';

let server: TestServer;
let ch: { client: ClickHouseClient };
let relay: RelayHandle;
const { logger } = memoryLogger();

beforeAll(async () => {
  ch = await openTestClickHouse();
  server = await startTestServer({ clickhouse: ch.client });
  relay = runRelay({ db: server.db, pool: server.pool, clickhouse: ch.client, logger, lingerMs: 0 });
});
afterAll(async () => {
  await relay?.stop();
  await server?.close();
  await ch?.client.close();
});

describe('reconciliation of PostgreSQL and ClickHouse', () => {
  it('reports no difference once the relay caught up, and every difference after a fault', async () => {
    const startedAt = new Date(Date.now() - 60_000);
    const { product } = await stockedProduct(server.api, 100);
    for (let i = 0; i < 3; i += 1) await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    await relay.untilRelayed(await maxOutboxId(server.pool));
    // Stop it, so that what this test does to ClickHouse is all that changes.
    await relay.stop();
    const window = { from: startedAt, to: new Date(Date.now() + 60_000) };

    const clean = await reconcile(poolOf(server.db), ch.client, window);
    expect(clean.differences).toEqual([]);
    expect(clean.ok).toBe(true);
    expect(clean.days.reduce((sum, d) => sum + d.postgres.orders, 0)).toBeGreaterThanOrEqual(3);

    const query = `from=${window.from.toISOString()}&to=${window.to.toISOString()}`;
    expect(expectStatus(await server.api.get(`/api/analytics/reconciliation?${query}`), 200).body).toMatchObject({ ok: true, differences: [] });

    // Fault: an order.placed row vanishes from ClickHouse.
    const [victim] = await rows<{ event_id: string; units: string; amount_cents: string; day: string }>(
      ch.client,
      `SELECT event_id, units, amount_cents, toString(toDate(occurred_at)) AS day FROM order_events
       WHERE type = 'order.placed' AND occurred_at >= {from:DateTime64(3, 'UTC')} ORDER BY event_id DESC LIMIT 1`,
      { from: window.from.toISOString().replace('T', ' ').replace('Z', '') },
    );
    await ch.client.command({ query: `ALTER TABLE order_events DELETE WHERE event_id = {id:UInt64}`, query_params: { id: victim!.event_id }, clickhouse_settings: { mutations_sync: '1' } });

    const broken = await reconcile(poolOf(server.db), ch.client, window);
    expect(broken.ok).toBe(false);
    const day = clean.days.find((d) => d.day === victim!.day)!;
    expect(broken.differences).toEqual([
      { day: victim!.day, field: 'orders', postgres: day.postgres.orders, clickhouse: day.postgres.orders - 1 },
      { day: victim!.day, field: 'units', postgres: day.postgres.units, clickhouse: day.postgres.units - Number(victim!.units) },
      { day: victim!.day, field: 'revenueCents', postgres: day.postgres.revenueCents, clickhouse: day.postgres.revenueCents - Number(victim!.amount_cents) },
    ]);
    const body = expectStatus(await server.api.get(`/api/analytics/reconciliation?${query}`), 200).body as { ok: boolean; differences: unknown[] };
    expect(body.ok).toBe(false);
    expect(body.differences).toHaveLength(3);
  });
});

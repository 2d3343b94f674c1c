import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type SimulationSummary } from '#server/simulator/driver/simulation.ts';
import type { SentRequest } from '#server/simulator/driver/tower-client.ts';
import { CARRIER_SECRET, createFloorUser, endOfYesterday, startSimulatorTower, type SimulatorTower } from './simulator-fixture.ts';

const DAY = 86_400_000;
const DAYS = 16;
/** The last days go the full path, the ones before are imported whole: the run exercises both. */
const FULL_PATH_DAYS = 8;
const HOUR = 3_600_000;

/** Every OpenAPI path as a pattern: `{id}` stands for one path segment. */
function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): { method: string; pattern: RegExp; path: string }[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) })),
  );
}

describe(`a ${DAYS}-day backfill through the public API (the last ${FULL_PATH_DAYS} the full path)`, () => {
  let tower: SimulatorTower;
  let summary: SimulationSummary;
  const requests: SentRequest[] = [];
  const now = endOfYesterday();
  const from = new Date(Math.floor(now.getTime() / DAY) * DAY - DAYS * DAY);

  beforeAll(async () => {
    tower = await startSimulatorTower();
    summary = await runSimulation({
      baseUrl: tower.url,
      token: await tower.token(['manager', 'simulator']),
      carrierSecret: CARRIER_SECRET,
      seed: 11,
      days: DAYS,
      ordersPerDay: 10,
      live: false,
      fullPathHours: FULL_PATH_DAYS * 24,
      floorUser: await createFloorUser(tower),
      now: () => now,
      onRequest: (r) => requests.push(r),
    });
  }, 120_000);
  afterAll(() => tower?.close());

  it('runs without unexpected errors and counts what it did', () => {
    expect(summary.errorSamples).toEqual([]);
    expect(summary.ordersPlaced).toBeGreaterThan(DAYS * 5);
    expect(summary.requestsSent).toBeGreaterThanOrEqual(requests.length);
    expect(summary.ordersPerSecond).toBeGreaterThan(0);
  });

  it('sends only requests of operations in the OpenAPI document Tower serves', async () => {
    const document = (await (await fetch(`${tower.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = operationsOf(document);
    const unknown = new Set<string>();
    const used = new Set<string>();
    for (const r of requests) {
      const path = r.path.split('?')[0]!;
      const operation = operations.find((o) => o.method === r.method && o.pattern.test(path));
      if (operation) used.add(`${operation.method} ${operation.path}`);
      else unknown.add(`${r.method} ${path}`);
    }
    expect([...unknown]).toEqual([]);
    // The whole life of an order is there: placement to refund, and the carriers' webhooks.
    // History goes in bulk: orders in batches, the floor's steps in waves, the carriers' scans in deliveries, the RMAs' steps in batches.
    for (const op of [
      'POST /api/orders/history',
      'POST /api/orders/batch',
      'POST /api/orders/{id}/cancel',
      'POST /api/fulfillment/release',
      'POST /api/fulfillment/waves/claim',
      'POST /api/fulfillment/waves/pick',
      'POST /api/fulfillment/waves/pack',
      'POST /api/fulfillment/waves/ship',
      'POST /api/carriers/{carrier}/events/batch',
      'POST /api/returns/batch/request',
      'POST /api/returns/batch/authorize',
      'POST /api/returns/batch/receive',
      'POST /api/returns/batch/resolve',
      'POST /api/inventory/adjustments',
      'POST /api/suppliers',
      'PUT /api/suppliers/{id}/products/{sku}',
      'POST /api/purchase-orders',
      'POST /api/purchase-orders/{id}/receive',
    ]) {
      expect(used).toContain(op);
    }
  });

  it('dates every write it sends with a token inside the backfilled days', () => {
    const imports = requests.filter((r) => r.path === '/api/orders/history');
    const dated = requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/carriers/') && !r.path.startsWith('/api/auth/') && !imports.includes(r));
    expect(dated.length).toBeGreaterThan(0);
    for (const r of dated) {
      expect(r.asOf, `${r.method} ${r.path}`).not.toBeNull();
      expect(Date.parse(r.asOf!)).toBeGreaterThanOrEqual(from.getTime() - DAY);
      expect(Date.parse(r.asOf!)).toBeLessThanOrEqual(now.getTime());
    }
    // An import dates each order itself, every moment of it before the full path's first midnight.
    const cutMs = Math.floor((now.getTime() - FULL_PATH_DAYS * DAY) / HOUR) * HOUR;
    const items = imports.flatMap((r) => (r.body as { orders: { placedAt: string; cancelledAt?: string; shipments?: { shippedAt: string; deliveredAt?: string }[] }[] }).orders);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const moments = [item.placedAt, item.cancelledAt, ...(item.shipments ?? []).flatMap((s) => [s.shippedAt, s.deliveredAt])].filter((m) => m !== undefined);
      for (const m of moments) {
        expect(Date.parse(m)).toBeGreaterThanOrEqual(from.getTime());
        expect(Date.parse(m)).toBeLessThan(cutMs);
      }
    }
  });

  it('leaves delivered, returned and cancelled orders placed at their historical moments', async () => {
    const { rows } = await tower.pool.query<{ status: string; n: number; first: Date; last: Date; days: number }>(
      `select status, count(*)::int as n, min(placed_at) as first, max(placed_at) as last, count(distinct date_trunc('day', placed_at at time zone 'UTC'))::int as days
       from orders group by status`,
    );
    const byStatus = new Map(rows.map((r) => [r.status, r]));
    for (const status of ['delivered', 'cancelled']) expect(byStatus.get(status)?.n ?? 0, status).toBeGreaterThan(0);
    expect((byStatus.get('return_requested')?.n ?? 0) + (byStatus.get('returned')?.n ?? 0)).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.first.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(r.last.getTime()).toBeLessThanOrEqual(now.getTime());
    }
    const { rows: spread } = await tower.pool.query<{ days: number }>(`select count(distinct date_trunc('day', placed_at at time zone 'UTC'))::int as days from orders`);
    expect(spread[0]!.days).toBe(DAYS + 1);
    const { rows: returns } = await tower.pool.query<{ n: number; refunded: number; first: Date }>(
      `select count(*)::int as n, count(*) filter (where status = 'resolved')::int as refunded, min(requested_at) as first from returns`,
    );
    expect(returns[0]!.n).toBeGreaterThan(0);
    expect(returns[0]!.refunded).toBeGreaterThan(0);
    expect(returns[0]!.first.getTime()).toBeLessThan(now.getTime());
    // Restock went through purchase orders: submitted when stock ran low, received their lead time later.
    const { rows: purchases } = await tower.pool.query<{ n: number; received: number; early: number }>(
      `select count(*)::int as n, count(*) filter (where received_at is not null)::int as received,
         count(*) filter (where received_at < submitted_at + interval '2 days')::int as early
       from purchase_orders where submitted_at >= $1 and submitted_at <= $2 and source <> 'simulator:opening-stock'`,
      [from, now],
    );
    expect(purchases[0]!.n).toBeGreaterThan(0);
    expect(purchases[0]!.received).toBeGreaterThan(0);
    expect(purchases[0]!.early).toBe(0);
    // Delivered at the carrier's scan, days after the order, not when the backfill ran.
    const { rows: late } = await tower.pool.query<{ n: number }>(`select count(*)::int as n from shipments where delivered_at > $1`, [now]);
    expect(late[0]!.n).toBe(0);
  });

  it('carries imported orders on through the full path: parcels delivered, returns settled', async () => {
    // Imported with a parcel still on its way or an RMA still open at the cut, then moved on by the
    // carrier's scans and the returns API: nothing imported is left where the cut found it.
    const cutMs = Math.floor((now.getTime() - FULL_PATH_DAYS * DAY) / HOUR) * HOUR;
    const { rows: stuck } = await tower.pool.query<{ n: number }>(
      `select count(*)::int as n from shipments where status in ('shipped', 'ready_for_pickup') and shipped_at < $1`,
      [new Date(cutMs - 2 * DAY)],
    );
    expect(stuck[0]!.n).toBe(0);
    const { rows: open } = await tower.pool.query<{ imported: number; settledLater: number; stillOpen: number }>(
      `select count(*) filter (where r.requested_at < $1)::int as imported,
              count(*) filter (where r.requested_at < $1 and r.resolved_at >= $1)::int as "settledLater",
              count(*) filter (where r.status not in ('resolved', 'rejected', 'cancelled') and r.requested_at < $2)::int as "stillOpen"
       from returns r`,
      [new Date(cutMs), new Date(now.getTime() - 6 * DAY)],
    );
    expect(open[0]!.imported).toBeGreaterThan(0);
    expect(open[0]!.settledLater).toBeGreaterThan(0);
    expect(open[0]!.stillOpen).toBe(0);
  });
});

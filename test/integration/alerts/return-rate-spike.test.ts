import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnRateSpike } from '#server/alerts/rules/return-rate-spike.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * return_rate_spike: units returned over the last 7 days per unit sold a week earlier, against the
 * SKU's own 90 days before, by a two-proportion z-test (raise at z ≥ 4, 1.5 times and 5 points
 * over the baseline, 5 returns and 20 units sold). Sales are real orders placed through the API at
 * moments of the pinned clock; returns are written as RMAs of those orders' lines.
 */
let h: AlertHarness;
let location: { id: string };
beforeAll(async () => {
  h = await startAlertHarness('alerts_returns', new Date('2026-02-01T10:00:00.000Z'));
  location = await createLocation(h.server.api);
});
afterAll(() => h.close());

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T10:00:00.000Z');

/** `orders` orders of `units` units each of a new product, placed evenly over [fromDay, toDay) days before NOW. */
async function sales(sku: string, fromDaysAgo: number, toDaysAgo: number, orders: number, units: number) {
  const placed = [];
  for (let i = 0; i < orders; i++) {
    h.clock.set(new Date(NOW - fromDaysAgo * DAY + ((i + 0.5) * (fromDaysAgo - toDaysAgo) * DAY) / orders));
    placed.push(await placedOrder(h.server.api, orderBody([{ sku, quantity: units }])));
  }
  return placed;
}

/** `units` units of the order's line returned, one unit an RMA, requested evenly over [from, to) days before NOW. */
async function returns(orderId: string, units: number, fromDaysAgo: number, toDaysAgo: number, reason = 'size_or_fit') {
  await h.server.pool.query(
    `with line as (select o.id as order_id, o.customer_id, ol.id as line_id, ol.sku, ol.category from orders o join order_lines ol on ol.order_id = o.id where o.id = $1),
     rmas as (
       insert into returns (order_id, customer_id, status, requested_by, currency, requested_at)
       select line.order_id, line.customer_id, 'requested', 'customer', 'USD', $3::timestamptz + (i + 0.5) * ($4::timestamptz - $3::timestamptz) / $2
       from line, generate_series(0, $2 - 1) i
       returning id)
     insert into return_lines (return_id, order_line_id, sku, category, quantity, reason)
     select rmas.id, line.line_id, line.sku, line.category, 1, $5::return_reason from rmas, line`,
    [orderId, units, new Date(NOW - fromDaysAgo * DAY), new Date(NOW - toDaysAgo * DAY), reason],
  );
}

/** A product sold 400 units over the baseline (90 days before the window, lagged a week) with 40 returned (10%), and 100 units the week before the window. */
async function usualSku() {
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, 10_000);
  // Sold for months: its returns have matured over the whole baseline.
  await sales(product.sku, 131, 129, 1, 10);
  const baseline = await sales(product.sku, 104, 14, 8, 50);
  const recent = await sales(product.sku, 14, 7, 2, 50);
  for (const order of baseline) await returns(order.id, 5, 97, 7);
  return { product, recent };
}

async function liveFor(sku: string) {
  const items = (expectStatus(await h.server.api.get(`/api/alerts?rule=return_rate_spike&limit=500`), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved' && a.subject === `sku:${sku}`);
}

describe('return_rate_spike', () => {
  it('opens on a SKU returned far above its own rate, naming rates, reasons and the orders; resolves once the window passes', async () => {
    const { product, recent } = await usualSku();
    // 35 of the 100 units sold a week before come back this week, most as defective.
    await returns(recent[0]!.id, 25, 7, 0, 'defective');
    await returns(recent[1]!.id, 10, 7, 0);
    h.clock.set(new Date(NOW));
    const engine = h.engine({ rules: [returnRateSpike] });
    await engine.runRound();
    const [alert] = await liveFor(product.sku);
    expect(alert).toMatchObject({
      subject: `sku:${product.sku}`,
      locationId: null,
      affected: { skus: [product.sku], orders: recent.map((o) => o.id).sort(), ordersTotal: 2, returnedUnits: 35 },
      measured: { returnRate: 0.35, baselineRate: 0.1, recentReturned: 35, recentSold: 100, baselineReturned: 40, baselineSold: 400, reasons: { defective: 25, size_or_fit: 10 } },
    });
    expect(alert.measured.z).toBeGreaterThan(5);
    expect(alert.severity).toBe('warning');
    expect(alert.title).toBe(`${product.sku} returns at 35.0% over 7 days (usually 10.0%)`);
    expect(alert.detail).toMatch(/mostly defective \(25\)/);

    // Two weeks on, the spike has left the window: three clear rounds five minutes apart.
    h.clock.set(new Date(NOW + 14 * DAY));
    for (let i = 0; i < 3; i++) await h.round(engine, 300_000);
    expect(await liveFor(product.sku)).toEqual([]);
  });

  it('stays silent on a SKU returned at its usual rate, on a handful of returns, and on a SKU without a baseline', async () => {
    const steady = await usualSku();
    await returns(steady.recent[0]!.id, 12, 7, 0);
    // 4 returns of 100 sold: under the 5 that prove anything (and under the usual rate).
    const few = await usualSku();
    await returns(few.recent[0]!.id, 4, 7, 0);
    // Sold only in the last weeks: 30 of 60 back, but no rate of its own to compare with (its returns have not matured).
    const fresh = await createProduct(h.server.api);
    await addStock(h.server.api, fresh.sku, location.id, 1_000);
    const freshOrders = await sales(fresh.sku, 13, 8, 2, 30);
    await returns(freshOrders[0]!.id, 30, 7, 0);
    h.clock.set(new Date(NOW));
    const engine = h.engine({ rules: [returnRateSpike] });
    await engine.runRound({ force: true });
    for (const sku of [steady.product.sku, few.product.sku, fresh.sku]) expect(await liveFor(sku), sku).toEqual([]);
  });

  it('once open, holds while z stays above clearZ; the same figures would not open it', async () => {
    const { product, recent } = await usualSku();
    // 28 of 100 (28% against 10%): z ≈ 4.7.
    await returns(recent[0]!.id, 28, 7, 0);
    h.clock.set(new Date(NOW));
    const engine = h.engine({ rules: [returnRateSpike] });
    await engine.runRound({ force: true });
    const [alert] = await liveFor(product.sku);
    expect(alert.measured.z).toBeGreaterThan(4);
    // More units sold the week before the window, none back yet: 28 of 150 (18.7%), z ≈ 2.75, 1.9 times the rate.
    h.clock.set(new Date(NOW - 10 * DAY));
    await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 50 }]));
    h.clock.set(new Date(NOW));
    await engine.runRound({ force: true });
    const [held] = await liveFor(product.sku);
    expect(held).toMatchObject({ id: alert.id, seenCount: 2, measured: { recentSold: 150 } });
    expect(held.measured.z).toBeGreaterThan(2.5);
    expect(held.measured.z).toBeLessThan(4);
    await h.server.pool.query(`update alerts set state = 'resolved', resolved_at = $1, resolve_reason = 'test' where id = $2`, [new Date(NOW - 30 * DAY), held.id]);
    await engine.runRound({ force: true });
    expect(await liveFor(product.sku)).toEqual([]);
  });

  it('refuses crossed z thresholds and a baseline shorter than a week, naming the field', async () => {
    const crossed = await h.server.api.patch('/api/alert-rules/return_rate_spike', { thresholds: { raiseZ: 3, clearZ: 3.5 } });
    expect((crossed.body as { errors: { path: string }[] }).errors).toEqual([{ path: 'thresholds.clearZ', message: 'must not be above raiseZ' }]);
    const short = await h.server.api.patch('/api/alert-rules/return_rate_spike', { thresholds: { baselineDays: 3 } });
    expect(short.status).toBe(422);
    expect((short.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['thresholds.baselineDays']);
  });
});

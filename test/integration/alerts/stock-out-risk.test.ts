import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockOutRisk } from '#server/alerts/rules/stock-out-risk.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder, unique } from '#test/support/factories.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * stock_out_risk on stock, orders, suppliers and purchase orders made through the API at moments
 * of a pinned clock; a forecast run is written as the forecasting engine stores it. A level raises
 * when available + inbound due within the lead time is at least a unit under the lead time's
 * demand, and holds until they cover it by 10%.
 */
let h: AlertHarness;
beforeAll(async () => {
  h = await startAlertHarness('alerts_stockout', new Date('2026-04-01T09:00:00.000Z'));
});
afterAll(() => h.close());

const DAY = 86_400_000;

async function liveFor(sku: string) {
  const items = (expectStatus(await h.server.api.get('/api/alerts?rule=stock_out_risk&limit=500'), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved' && a.subject.startsWith(`sku:${sku}@`));
}

const adjust = async (sku: string, locationId: string, delta: number) =>
  expectStatus(await h.server.api.post('/api/inventory/adjustments', { sku, locationId, delta, reason: delta > 0 ? 'count' : 'damage' }), 201);

async function supplierFor(sku: string, leadTimeDays: number) {
  const supplier = expectStatus(await h.server.api.post('/api/suppliers', { code: unique('SUP'), name: 'Test supplier', leadTimeDays: 10 }), 201).body as { id: string };
  expectStatus(await h.server.api.put(`/api/suppliers/${supplier.id}/products/${sku}`, { unitCostCents: 500, leadTimeDays, preferred: true }), 200);
  return supplier;
}

describe('stock_out_risk', () => {
  it('without a forecast, holds recent orders against available + inbound: raises 5 units short, holds until covered by 10%, clears on a purchase order due in time', async () => {
    const engine = h.engine({ rules: [stockOutRisk] });
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 40);
    // 28 units ordered over 14 days (1 a day over the 28-day window), still reserved; lead time 7 days (no supplier).
    for (let i = 0; i < 14; i++) {
      await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
      h.clock.advance(DAY);
    }
    await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toEqual([]);

    // 10 damaged: 2 available against 7 units of demand over the lead time.
    await adjust(product.sku, location.id, -10);
    await h.round(engine, 30_000);
    const [alert] = await liveFor(product.sku);
    expect(alert).toMatchObject({
      subject: `sku:${product.sku}@${location.id}`,
      severity: 'warning',
      locationId: location.id,
      affected: { skus: [product.sku], locationId: location.id, orders: [], ordersTotal: 0 },
      measured: { available: 2, onHand: 30, reserved: 28, inbound: 0, leadTimeDays: 7, demandOverLeadTime: 7, dailyDemand: 1, demandSource: 'recent_orders', shortUnits: 5, suggestedQuantity: 5 },
    });
    expect(alert.title).toBe(`${product.sku} at ${location.code} runs out before restock (5 units short)`);

    // 5 found: 7 available covers the 7 units exactly, not with the 10% margin: still open (and would not open).
    await adjust(product.sku, location.id, 5);
    await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toMatchObject([{ id: alert.id, seenCount: 2, measured: { available: 7, shortUnits: 0 } }]);

    // A purchase order of 10 due in 3 days: 17 against 7, and 7 available last the 3 days.
    const supplier = expectStatus(await h.server.api.post('/api/suppliers', { code: unique('SUP'), name: 'Test supplier', leadTimeDays: 7 }), 201).body as { id: string };
    expectStatus(await h.server.api.put(`/api/suppliers/${supplier.id}/products/${product.sku}`, { unitCostCents: 500 }), 200);
    expectStatus(
      await h.server.api.post('/api/purchase-orders', {
        supplierId: supplier.id,
        locationId: location.id,
        lines: [{ sku: product.sku, quantity: 10 }],
        expectedAt: new Date(h.clock.now().getTime() + 3 * DAY).toISOString(),
        submit: true,
      }),
      201,
    );
    for (let i = 0; i < 3; i++) await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toEqual([]);
  });

  it('a level whose purchase order arrives before it runs out is not at risk, even if the order is short of the lead time’s demand; it raises when stock ends days before the arrival', async () => {
    const engine = h.engine({ rules: [stockOutRisk] });
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 80);
    const supplier = await supplierFor(product.sku, 7);
    // 56 units ordered over 14 days, still reserved: 2 a day over the 28-day window, 14 over the 7-day lead time.
    for (let i = 0; i < 14; i++) {
      await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 4 }]));
      h.clock.advance(DAY);
    }
    // 8 available and 1 unit due in 3 days: 9 against 14 over the lead time, but 8 last the 3 days.
    await adjust(product.sku, location.id, -16);
    expectStatus(
      await h.server.api.post('/api/purchase-orders', {
        supplierId: supplier.id,
        locationId: location.id,
        lines: [{ sku: product.sku, quantity: 1 }],
        expectedAt: new Date(h.clock.now().getTime() + 3 * DAY).toISOString(),
        submit: true,
      }),
      201,
    );
    for (let i = 0; i < 2; i++) await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toEqual([]);

    // 8 damaged: nothing available for the 3 days before the arrival (6 units of demand).
    await adjust(product.sku, location.id, -8);
    await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toMatchObject([{ severity: 'warning', measured: { available: 0, inboundWithinLeadTime: 1, shortUnits: 6 } }]);
  });

  it('uses the latest forecast run over the supplier’s lead time for the SKU', async () => {
    const engine = h.engine({ rules: [stockOutRisk] });
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 10);
    await supplierFor(product.sku, 3);
    const today = Date.parse(h.clock.now().toISOString().slice(0, 10));
    const points = Array.from({ length: 14 }, (_, i) => ({ date: new Date(today + i * DAY).toISOString().slice(0, 10), forecast: 5, lo80: 3, hi80: 7 }));
    const run = await h.server.pool.query(
      `insert into forecast_runs (status, trigger, as_of_date, parameters, finished_at) values ('succeeded', 'manual', $1, '{}', now()) returning id`,
      [new Date(today - DAY).toISOString().slice(0, 10)],
    );
    await h.server.pool.query(
      `insert into forecast_series (run_id, sku, location_key, model, classification, points, history, metrics, horizon_sd)
       values ($1, $2, $3, 'ses', 'smooth', $4, '{"start":"2026-03-01","values":[]}', '{}', '[]')`,
      [run.rows[0].id, product.sku, location.id, JSON.stringify(points)],
    );
    await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toMatchObject([
      { measured: { available: 10, leadTimeDays: 3, demandOverLeadTime: 15, dailyDemand: 5, demandSource: 'forecast', forecastRunId: run.rows[0].id, shortUnits: 5 } },
    ]);
  });

  it('a level at zero available with backordered orders waiting is critical and lists them', async () => {
    const engine = h.engine({ rules: [stockOutRisk] });
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api, { backorderable: true });
    await addStock(h.server.api, product.sku, location.id, 1);
    const waiting = await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 3 }], { channel: 'phone' }));
    expect(waiting.status).toBe('backordered');
    await h.round(engine, 30_000);
    expect(await liveFor(product.sku)).toMatchObject([
      {
        severity: 'critical',
        title: `${product.sku} is out at ${location.code} with 2 units backordered`,
        affected: { skus: [product.sku], orders: [waiting.id], ordersTotal: 1 },
        measured: { available: 0, backorderedUnits: 2 },
      },
    ]);
  });

  it('stays silent on well-stocked SKUs, on SKUs without demand, and on a level whose purchase order arrives in time', async () => {
    const engine = h.engine({ rules: [stockOutRisk] });
    const location = await createLocation(h.server.api);
    const stocked = await createProduct(h.server.api);
    await addStock(h.server.api, stocked.sku, location.id, 200);
    const idle = await createProduct(h.server.api);
    await addStock(h.server.api, idle.sku, location.id, 1);
    await adjust(idle.sku, location.id, -1);
    const restocked = await createProduct(h.server.api);
    await addStock(h.server.api, restocked.sku, location.id, 20);
    const supplier = await supplierFor(restocked.sku, 5);
    for (let i = 0; i < 10; i++) {
      await placedOrder(h.server.api, orderBody([{ sku: stocked.sku, quantity: 3 }, { sku: restocked.sku, quantity: 1 }]));
      h.clock.advance(DAY);
    }
    // restocked: 10 available, 1.8 units of demand over 5 days; a PO of 30 due in 2 days.
    expectStatus(
      await h.server.api.post('/api/purchase-orders', {
        supplierId: supplier.id,
        locationId: location.id,
        lines: [{ sku: restocked.sku, quantity: 30 }],
        expectedAt: new Date(h.clock.now().getTime() + 2 * DAY).toISOString(),
        submit: true,
      }),
      201,
    );
    for (let i = 0; i < 3; i++) await h.round(engine, 30_000);
    for (const sku of [stocked.sku, idle.sku, restocked.sku]) expect(await liveFor(sku), sku).toEqual([]);
  });

  it('refuses thresholds out of range, naming the field', async () => {
    const refused = await h.server.api.patch('/api/alert-rules/stock_out_risk', { thresholds: { minShortUnits: 0, recentDemandDays: 0 } });
    expect(refused.status).toBe(422);
    expect((refused.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(['thresholds.minShortUnits', 'thresholds.recentDemandDays']);
  });
});

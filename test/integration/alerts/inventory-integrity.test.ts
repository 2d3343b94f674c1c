import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryIntegrity } from '#server/alerts/rules/inventory-integrity.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { pickAndPack, release, shipmentsOf, signedInUser } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * inventory_integrity on a database of its own: real traffic through the API keeps every
 * invariant (no alert from any rule), then direct SQL writes the impossible states the rule
 * exists to catch.
 */
let h: AlertHarness;
let picker: ApiClient;
beforeAll(async () => {
  h = await startAlertHarness('alerts_integrity');
  picker = (await signedInUser(h.server, ['staff'])).client;
});
afterAll(() => h.close());

const MINUTE = 60_000;

async function liveAlerts(rule?: string) {
  const items = (expectStatus(await h.server.api.get(`/api/alerts?limit=500${rule ? `&rule=${rule}` : ''}`), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved');
}

async function stocked(quantity: number) {
  const location = await createLocation(h.server.api);
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, quantity);
  return { location, product };
}

describe('inventory_integrity', () => {
  it('real traffic (orders, backorders, releases, picks, shipments, cancellations, adjustments) raises no alert of any rule', async () => {
    const engine = h.engine();
    const { location, product } = await stocked(5);
    const shipped = await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 2 }]));
    const cancelled = await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    h.clock.advance(MINUTE);
    await release(h.server);
    const [shipment] = await shipmentsOf(h.server, shipped.id);
    await pickAndPack(picker, shipment!);
    expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200);
    expectStatus(await h.server.api.post(`/api/orders/${cancelled.id}/cancel`, { reason: 'customer changed their mind' }), 200);
    expectStatus(await h.server.api.post('/api/inventory/adjustments', { sku: product.sku, locationId: location.id, delta: -1, reason: 'damage' }), 201);
    // A backorder filled by a receipt.
    const backorderable = await createProduct(h.server.api, { backorderable: true });
    await addStock(h.server.api, backorderable.sku, location.id, 1);
    const waiting = await placedOrder(h.server.api, orderBody([{ sku: backorderable.sku, quantity: 3 }], { channel: 'phone' }));
    expect(waiting.status).toBe('backordered');
    await addStock(h.server.api, backorderable.sku, location.id, 5);
    h.clock.advance(MINUTE);
    for (let i = 0; i < 3; i++) {
      const outcomes = await h.round(engine, 60_000);
      expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    }
    expect(await liveAlerts()).toEqual([]);
  });

  it('catches reservations without orders, orders finished still holding stock, ledger drift and negative stock, per SKU × location, and resolves once repaired', async () => {
    const engine = h.engine({ rules: [inventoryIntegrity] });
    const held = await stocked(10);
    const order = await placedOrder(h.server.api, orderBody([{ sku: held.product.sku, quantity: 2 }]));
    const finished = await stocked(10);
    const done = await placedOrder(h.server.api, orderBody([{ sku: finished.product.sku, quantity: 3 }]));
    const drifting = await stocked(10);
    const negative = await stocked(10);
    await h.round(engine, 60_000);
    expect(await liveAlerts('inventory_integrity')).toEqual([]);

    const pool = h.server.pool;
    // Two units reserved that no order holds.
    await pool.query('update inventory_levels set reserved = reserved + 2 where sku = $1 and location_id = $2', [held.product.sku, held.location.id]);
    // An order marked delivered behind the commands' back: its allocation is still open.
    await pool.query(`update orders set status = 'delivered' where id = $1`, [done.id]);
    // A ledger row whose movement never reached the level.
    await pool.query(`insert into inventory_ledger (sku, location_id, on_hand_delta, reason, note) values ($1, $2, 4, 'count', 'lost update')`, [drifting.product.sku, drifting.location.id]);
    // Only possible without the table's check: more reserved than on hand.
    await pool.query('alter table inventory_levels drop constraint inventory_reserved_within_on_hand');
    await pool.query('update inventory_levels set on_hand = 1, reserved = 3 where sku = $1 and location_id = $2', [negative.product.sku, negative.location.id]);
    await h.round(engine, 60_000);

    const bySubject = new Map((await liveAlerts('inventory_integrity')).map((a) => [a.subject, a]));
    expect(bySubject.get(`sku:${held.product.sku}@${held.location.id}`)).toMatchObject({
      severity: 'critical',
      locationId: held.location.id,
      affected: { skus: [held.product.sku], locationId: held.location.id, orders: [order.id], ordersTotal: 1 },
      measured: { problems: ['reserved_mismatch', 'ledger_reserved_drift'], reserved: 4, openAllocations: 2, ledgerReserved: 2 },
    });
    expect(bySubject.get(`sku:${finished.product.sku}@${finished.location.id}`)).toMatchObject({
      affected: { orders: [done.id] },
      measured: { problems: ['closed_order_reservation'] },
    });
    expect(bySubject.get(`sku:${drifting.product.sku}@${drifting.location.id}`)).toMatchObject({
      measured: { problems: ['ledger_on_hand_drift'], onHand: 10, ledgerOnHand: 14 },
    });
    expect(bySubject.get(`sku:${negative.product.sku}@${negative.location.id}`)).toMatchObject({
      measured: { problems: ['reserved_mismatch', 'negative_stock', 'ledger_on_hand_drift', 'ledger_reserved_drift'] },
    });
    expect(bySubject.size).toBe(4);

    // Repaired: each alert resolves after three clean rounds (the rule's rounds are a minute apart).
    await pool.query('update inventory_levels set reserved = reserved - 2 where sku = $1 and location_id = $2', [held.product.sku, held.location.id]);
    await pool.query(`update orders set status = 'allocated' where id = $1`, [done.id]);
    await pool.query(`insert into inventory_ledger (sku, location_id, on_hand_delta, reason, note) values ($1, $2, -4, 'correction', 'repair')`, [drifting.product.sku, drifting.location.id]);
    await pool.query('update inventory_levels set on_hand = 10, reserved = 0 where sku = $1 and location_id = $2', [negative.product.sku, negative.location.id]);
    await pool.query('alter table inventory_levels add constraint inventory_reserved_within_on_hand check (reserved <= on_hand)');
    // Within the minute, the rule is not evaluated again: nothing counts as clear.
    await h.round(engine, 5_000);
    for (let i = 0; i < 2; i++) await h.round(engine, 60_000);
    expect(await liveAlerts('inventory_integrity')).toHaveLength(4);
    await h.round(engine, 60_000);
    expect(await liveAlerts('inventory_integrity')).toEqual([]);
  });
});

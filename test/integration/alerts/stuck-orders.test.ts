import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stuckOrders } from '#server/alerts/rules/stuck-orders.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { pickAndPack, release, shipmentsOf, signedInUser, type ShipmentBody } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * stuck_orders on real orders: placed, released, picked, packed and shipped through the API at
 * moments of the pinned clock (Monday 2026-03-02 08:00 UTC), then evaluated hours later. Default
 * SLAs of a warehouse: release 60 min, pick 4 h, pack 2 h, handed over within 2 h of the expected
 * collection (21:00 UTC); a store picks within 24 h and hands over at 19:00 UTC a business day later.
 * A location alerts from 3 stuck orders, or from one that waited 3 times its SLA.
 */
let h: AlertHarness;
let picker: ApiClient;
beforeAll(async () => {
  h = await startAlertHarness('alerts_stuck');
  picker = (await signedInUser(h.server, ['staff'])).client;
});
afterAll(() => h.close());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function stockedLocation(overrides: Record<string, unknown> = {}) {
  const location = await createLocation(h.server.api, overrides);
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, 100);
  return { location, product };
}

async function order(sku: string) {
  return placedOrder(h.server.api, orderBody([{ sku, quantity: 1 }]));
}

async function onlyShipment(orderId: string): Promise<ShipmentBody> {
  const [shipment] = await shipmentsOf(h.server, orderId);
  return shipment!;
}

async function liveAlertAt(locationId: string) {
  const items = (expectStatus(await h.server.api.get(`/api/alerts?rule=stuck_orders&locationId=${locationId}`), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved');
}

describe('stuck_orders', () => {
  it('lists the orders waiting beyond each stage SLA at a location, most overdue first; the ship stage counts from the missed collection; resolves once they move on', async () => {
    const { location, product } = await stockedLocation();
    const engine = h.engine({ rules: [stuckOrders] });
    const waitingToPick = await order(product.sku);
    h.clock.advance(10 * MINUTE);
    const waitingToPack = await order(product.sku);
    h.clock.advance(5 * MINUTE);
    await release(h.server);
    h.clock.advance(5 * MINUTE);
    const packShipment = await onlyShipment(waitingToPack.id);
    expectStatus(await picker.post('/api/fulfillment/pick-claims', { shipmentLineIds: packShipment.lines.map((l) => l.id) }), 200);
    expectStatus(await picker.post(`/api/fulfillment/shipment-lines/${packShipment.lines[0]!.id}/pick`, { quantity: 1 }), 200);
    h.clock.advance(5 * MINUTE);
    const waitingToShip = await order(product.sku);
    await release(h.server);
    h.clock.advance(5 * MINUTE);
    await pickAndPack(picker, await onlyShipment(waitingToShip.id));
    h.clock.advance(10 * MINUTE);
    const waitingForRelease = await order(product.sku);

    // 50 min on, nothing is late yet (the unreleased order has 60 min).
    h.clock.advance(50 * MINUTE);
    await h.round(engine);
    expect(await liveAlertAt(location.id)).toEqual([]);

    // 5 h after the first release: pick (5 h > 4 h), pack (4 h 40 > 2 h), release (4 h 20 > 60 min);
    // the packed parcel waits for the 21:00 collection: not late.
    const firstRelease = Date.parse((await h.server.pool.query('select min(created_at) as at from shipments where location_id = $1', [location.id])).rows[0].at);
    h.clock.set(new Date(firstRelease + 5 * HOUR));
    await h.round(engine);
    const [alert] = await liveAlertAt(location.id);
    expect(alert).toMatchObject({
      subject: `location:${location.id}`,
      state: 'open',
      // The unreleased order waited more than 3 times its SLA.
      severity: 'critical',
      locationId: location.id,
      affected: { orders: [waitingForRelease.id, waitingToPack.id, waitingToPick.id], ordersTotal: 3, locationId: location.id },
      measured: { kind: 'warehouse', stages: { release: { orders: 1, slaMinutes: 60 }, pick: { orders: 1, slaMinutes: 240 }, pack: { orders: 1, slaMinutes: 120 } } },
    });
    expect(alert.measured.stages.ship).toBeUndefined();
    expect(alert.title).toMatch(/^3 orders stuck at LOC-/);

    // Past midnight: the parcel missed its 21:00 collection by more than 2 h.
    h.clock.set(new Date('2026-03-03T00:30:00Z'));
    picker = (await signedInUser(h.server, ['staff'])).client;
    await h.round(engine);
    const [later] = await liveAlertAt(location.id);
    expect(later.affected.orders).toHaveLength(4);
    expect(later.measured.stages.ship).toMatchObject({ orders: 1, slaMinutes: 120, oldestMinutes: 210 });

    // The floor catches up: release, pick, pack and ship everything.
    await release(h.server);
    const everything = await h.server.pool.query(
      `select s.id from shipments s where s.location_id = $1 and s.status in ('pending', 'picking', 'packed') order by s.created_at`,
      [location.id],
    );
    for (const { id } of everything.rows as { id: string }[]) {
      const shipment = expectStatus(await h.server.api.get(`/api/fulfillment/shipments/${id}`), 200).body as ShipmentBody;
      if (shipment.status === 'pending') await pickAndPack(picker, shipment);
      else if (shipment.status === 'picking') {
        expectStatus(await picker.post(`/api/fulfillment/shipments/${id}/pack`, { items: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) }), 200);
      }
      expectStatus(await picker.post(`/api/fulfillment/shipments/${id}/ship`), 200);
    }
    for (let round = 1; round <= 3; round++) {
      expect(await liveAlertAt(location.id), `round ${round}`).toHaveLength(1);
      await h.round(engine);
    }
    expect(await liveAlertAt(location.id)).toEqual([]);
  });

  it('a store keeps its own rhythm: a pick 10 h after release and a parcel held for the next day\'s 19:00 collection are not stuck', async () => {
    h.clock.set(new Date('2026-03-09T08:00:00Z'));
    picker = (await signedInUser(h.server, ['staff'])).client;
    const { location, product } = await stockedLocation({ kind: 'store', name: 'Test store', dailyCapacity: 200, shipsToCustomers: true, offersPickup: true });
    const engine = h.engine({ rules: [stuckOrders] });
    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await order(product.sku));
    await release(h.server);
    // Two packed before noon, two left to pick.
    h.clock.advance(3 * HOUR);
    for (const placed of orders.slice(0, 2)) await pickAndPack(picker, await onlyShipment(placed.id));
    // Tuesday 18:00: the packed ones leave with Tuesday's 19:00 collection (one handling day), the others wait 34 h.
    h.clock.set(new Date('2026-03-10T18:00:00Z'));
    await h.round(engine);
    expect(await liveAlertAt(location.id)).toEqual([]);
    // Wednesday 08:00: two parcels 13 h past their collection (> 4 h) and two picks waiting 48 h (> 24 h).
    h.clock.set(new Date('2026-03-11T08:00:00Z'));
    await h.round(engine);
    expect(await liveAlertAt(location.id)).toMatchObject([
      { measured: { kind: 'store', stages: { pick: { orders: 2, slaMinutes: 1440 }, ship: { orders: 2, slaMinutes: 240, oldestMinutes: 780 } } }, affected: { ordersTotal: 4 } },
    ]);
  });

  it('stays silent on orders that move through the floor within the SLAs, and leaves held orders out', async () => {
    h.clock.set(new Date('2026-03-16T08:00:00Z'));
    picker = (await signedInUser(h.server, ['staff'])).client;
    const { location, product } = await stockedLocation();
    const engine = h.engine({ rules: [stuckOrders] });
    for (let i = 0; i < 3; i++) {
      const placed = await order(product.sku);
      h.clock.advance(2 * MINUTE);
      await release(h.server);
      h.clock.advance(30 * MINUTE);
      const shipment = await pickAndPack(picker, await onlyShipment(placed.id));
      h.clock.advance(20 * MINUTE);
      expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment.id}/ship`), 200);
    }
    // Still within their SLAs: one released an hour ago, one packed an hour ago.
    const released = await order(product.sku);
    await release(h.server);
    const packed = await order(product.sku);
    await release(h.server);
    await pickAndPack(picker, await onlyShipment(packed.id));
    // Held on purpose (its allocation waits with no shipment): not stuck.
    const held = await order(product.sku);
    expectStatus(await h.server.api.post(`/api/orders/${held.id}/hold`, { reason: 'fraud review' }), 200);
    h.clock.advance(1 * HOUR);
    for (let i = 0; i < 3; i++) await h.round(engine);
    expect(await liveAlertAt(location.id)).toEqual([]);

    // A location's own, tighter SLA (one late order enough there) makes the same wait late there.
    expectStatus(await h.server.api.patch('/api/alert-rules/stuck_orders', { thresholds: { perLocation: { [location.id]: { pickHours: 0.5, minOrders: 1 } } } }), 200);
    await h.round(engine);
    expect(await liveAlertAt(location.id)).toMatchObject([{ affected: { orders: [released.id], ordersTotal: 1 }, measured: { stages: { pick: { orders: 1, slaMinutes: 30 } } } }]);
    expectStatus(await h.server.api.patch('/api/alert-rules/stuck_orders', { thresholds: { perLocation: {} } }), 200);
  });

  it('gives a large shipment a pick SLA that grows with its units: a 150-unit case order picked for 6 h is not stuck, 2-unit orders waiting 5 h are; the allowance is the manager\'s', async () => {
    h.clock.set(new Date('2026-03-23T08:00:00Z'));
    picker = (await signedInUser(h.server, ['staff'])).client;
    const location = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 400);
    const engine = h.engine({ rules: [stuckOrders] });
    const caseOrder = await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 150 }]));
    const small = [];
    for (let i = 0; i < 3; i++) small.push(await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 2 }])));
    await release(h.server);
    // The case order's pick started at once and goes on; the small ones wait for a picker.
    const caseShipment = await onlyShipment(caseOrder.id);
    expectStatus(await picker.post('/api/fulfillment/pick-claims', { shipmentLineIds: caseShipment.lines.map((l) => l.id) }), 200);

    // 6 h on: the small orders are past 4 h; the case order's SLA is 4 h + 140 units × 15 min = 39 h.
    h.clock.advance(6 * HOUR);
    await h.round(engine);
    const [alert] = await liveAlertAt(location.id);
    expect(alert).toMatchObject({ affected: { ordersTotal: 3 }, measured: { stages: { pick: { orders: 3, slaMinutes: 240, longestSlaMinutes: 240 } } } });
    expect(alert.affected.orders.toSorted()).toEqual(small.map((o) => o.id).toSorted());

    // Without a per-unit allowance (the manager's setting), the case order is as late as the others.
    expectStatus(await h.server.api.patch('/api/alert-rules/stuck_orders', { thresholds: { pickMinutesPerUnit: 0 } }), 200);
    await h.round(engine);
    const [strict] = await liveAlertAt(location.id);
    expect(strict.affected.orders).toContain(caseOrder.id);
    expect(strict.affected.ordersTotal).toBe(4);
    expectStatus(await h.server.api.patch('/api/alert-rules/stuck_orders', { thresholds: { pickMinutesPerUnit: 15 } }), 200);

    // 40 h after the release the case order is past its own SLA too.
    h.clock.advance(34 * HOUR);
    await h.round(engine);
    const [late] = await liveAlertAt(location.id);
    expect(late.affected.orders).toContain(caseOrder.id);
    expect(late.measured.stages.pick).toMatchObject({ orders: 4, slaMinutes: 240, longestSlaMinutes: 2340 });
  });

  it('refuses thresholds that are not SLAs, naming the field', async () => {
    for (const [thresholds, path] of [
      [{ perKind: { store: { pickHours: 0 } } }, 'thresholds.perKind.store.pickHours'],
      [{ perKind: { depot: {} } }, 'thresholds.perKind.depot'],
      [{ handOver: { warehouse: { cutoffHourUtc: 25 } } }, 'thresholds.handOver.warehouse.cutoffHourUtc'],
      [{ minOrders: 0 }, 'thresholds.minOrders'],
      [{ pickMinutesPerUnit: -1 }, 'thresholds.pickMinutesPerUnit'],
      [{ perKind: { '3pl': { slaUnits: 1.5 } } }, 'thresholds.perKind.3pl.slaUnits'],
    ] as const) {
      const refused = await h.server.api.patch('/api/alert-rules/stuck_orders', { thresholds });
      expect(refused.status, path).toBe(422);
      expect((refused.body as { errors: { path: string }[] }).errors.map((e) => e.path), path).toContain(path);
    }
  });
});

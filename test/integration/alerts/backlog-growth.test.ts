import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backlogGrowth } from '#server/alerts/rules/backlog-growth.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { pickAndPack, release, shipmentsOf, signedInUser } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * backlog_growth on real orders released to a location through the API: shipments of the last
 * 24 h against the location's daily capacity (raise at 1.25, hold until under 1.0), the wait for a
 * picker of the last 6 h's claims against the usual (raise at 1.75 times), and floor work that
 * would take over 48 h to clear at the rate the location picks or hands over.
 */
let h: AlertHarness;
let picker: ApiClient;
beforeAll(async () => {
  h = await startAlertHarness('alerts_backlog');
  picker = (await signedInUser(h.server, ['staff'])).client;
});
afterAll(() => h.close());

const HOUR = 3_600_000;

async function liveAt(locationId: string) {
  const items = (expectStatus(await h.server.api.get(`/api/alerts?rule=backlog_growth&locationId=${locationId}`), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved');
}

/** A location with `orders` orders of `units` units released to it; the first `shipped` of them handed over. */
async function busyLocation(dailyCapacity: number, orders: number, units: number, shipped: number) {
  const location = await createLocation(h.server.api, { dailyCapacity });
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, 1_000);
  const placed = [];
  for (let i = 0; i < orders; i++) placed.push(await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: units }])));
  await release(h.server);
  h.clock.advance(HOUR);
  for (const order of placed.slice(0, shipped)) {
    const [shipment] = await shipmentsOf(h.server, order.id);
    await pickAndPack(picker, shipment!);
    expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200);
  }
  return { location, placed };
}

const setCapacity = async (locationId: string, dailyCapacity: number) => expectStatus(await h.server.api.patch(`/api/locations/${locationId}`, { dailyCapacity }), 200);

describe('backlog_growth', () => {
  it('is silent while the floor keeps up, opens when the capacity is cut below the arrivals, holds between the clear and raise loads, and resolves when capacity is back', async () => {
    const engine = h.engine({ rules: [backlogGrowth] });
    // 12 shipments (of 3 units) in the last day against 100 a day: load 0.12; 6 left on the floor.
    const { location, placed } = await busyLocation(100, 12, 3, 6);
    for (let i = 0; i < 3; i++) await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toEqual([]);

    // The capacity_loss disruption: 8 a day against the 12 shipments of the last day.
    await setCapacity(location.id, 8);
    await h.round(engine, 30_000);
    const [alert] = await liveAt(location.id);
    expect(alert).toMatchObject({
      subject: `location:${location.id}`,
      severity: 'warning',
      locationId: location.id,
      affected: { locationId: location.id, ordersTotal: 6, shipmentsTotal: 6, unitsTotal: 18 },
      measured: { load: 1.5, dailyCapacity: 8, arrivalsPerDay: { shipments: 12, units: 36 }, throughputPerDay: { shipments: 6, units: 18 }, growthPerDay: 6, reasons: ['load'] },
    });
    // Released together: the same age, listed by id.
    expect(alert.affected.orders).toEqual(placed.slice(6).map((o) => o.id).sort());
    expect(alert.title).toBe(`Backlog at ${location.code} grows faster than it clears (6 shipments open)`);

    // 10 a day: load 1.2, under the raise threshold but over the clear one: still open.
    await setCapacity(location.id, 10);
    for (let i = 0; i < 3; i++) await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toMatchObject([{ id: alert.id, seenCount: 4, measured: { load: 1.2 } }]);

    // Capacity back: three clear rounds, resolved.
    await setCapacity(location.id, 100);
    for (let i = 0; i < 3; i++) await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toEqual([]);
  });

  /** `usual` shipments three days back, each claimed an hour after its release; today 6 claimed after 5 to 7 h, 4 waiting. */
  async function slowFloor(usual: number) {
    const location = await createLocation(h.server.api, { dailyCapacity: 1_000 });
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, location.id, 1_000);
    const start = h.clock.now().getTime();
    for (let i = 0; i < usual; i++) {
      h.clock.set(new Date(start - 3 * 24 * HOUR + i * HOUR));
      const order = await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
      await release(h.server);
      h.clock.advance(HOUR);
      const [shipment] = await shipmentsOf(h.server, order.id);
      await pickAndPack((await signedInUser(h.server, ['staff'])).client, shipment!);
    }
    h.clock.set(new Date(start - 8 * HOUR));
    const floor = (await signedInUser(h.server, ['staff'])).client;
    const claimed = [];
    for (let i = 0; i < 6; i++) claimed.push(await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }])));
    for (let i = 0; i < 4; i++) await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
    await release(h.server);
    for (let i = 0; i < 6; i++) {
      h.clock.set(new Date(start - 3 * HOUR + i * 24 * 60_000));
      await pickAndPack(floor, (await shipmentsOf(h.server, claimed[i]!.id))[0]!);
    }
    h.clock.set(new Date(start));
    return location;
  }

  it('opens when the shipments claimed lately waited far longer than usual for a picker (a floor short of hands)', async () => {
    const engine = h.engine({ rules: [backlogGrowth] });
    const location = await slowFloor(10);
    await h.round(engine, 30_000);
    const [alert] = await liveAt(location.id);
    expect(alert).toMatchObject({ severity: 'critical', measured: { waitingForPicker: 4, claimsPerHour: 1, waitHours: 6, usualWaitHours: 1, slowdown: 6 } });
    expect(alert.measured.reasons).toContain('slowdown');
  });

  it('reads no slowdown against a usual wait of fewer than 10 claims: a floor\'s first few say nothing of its pace', async () => {
    const engine = h.engine({ rules: [backlogGrowth] });
    const location = await slowFloor(9);
    await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toEqual([]);
  });

  it('opens on a floor that handed nothing over since the day\'s work was released, critical as it never clears', async () => {
    const engine = h.engine({ rules: [backlogGrowth] });
    const { location } = await busyLocation(1_000, 12, 1, 0);
    h.clock.advance(20 * HOUR);
    await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toMatchObject([
      { severity: 'critical', affected: { ordersTotal: 12 }, measured: { hoursToClear: null, throughputPerDay: { shipments: 0 }, backlog: { onFloorShipments: 12 }, reasons: ['hours_to_clear'] } },
    ]);
  });

  it('stays silent on a floor that picks at its pace while its packed parcels wait for a collection (a store, a vendor)', async () => {
    const engine = h.engine({ rules: [backlogGrowth] });
    const { location, placed } = await busyLocation(100, 30, 1, 0);
    // 20 picked and packed, none handed over yet; 10 still on the floor.
    const floor = (await signedInUser(h.server, ['staff'])).client;
    for (const order of placed.slice(0, 20)) await pickAndPack(floor, (await shipmentsOf(h.server, order.id))[0]!);
    h.clock.advance(2 * HOUR);
    for (let i = 0; i < 2; i++) await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toEqual([]);
  });

  it('refuses crossed raise and clear thresholds, naming the field', async () => {
    const refused = await h.server.api.patch('/api/alert-rules/backlog_growth', { thresholds: { raiseLoad: 1.1, clearLoad: 1.3 } });
    expect(refused.status).toBe(422);
    expect((refused.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['thresholds.clearLoad']);
    const negative = await h.server.api.patch('/api/alert-rules/backlog_growth', { thresholds: { windowHours: 0 } });
    expect((negative.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['thresholds.windowHours']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promiseBreachRisk } from '#server/alerts/rules/promise-breach-risk.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { release, shipmentsOf, signedInUser, type ShipmentBody } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * promise_breach_risk on real orders at a new warehouse (collection at 21:00 UTC), worked through
 * the API at moments of the pinned clock. Its usual pace comes from a Thursday whose parcels were
 * claimed an hour after their release and picked at 6 minutes a unit; on the Monday after, the
 * rule compares the pace of the last 6 h with it. A location raises from 3 open parcels predicted
 * to miss their promised day that the usual pace (with an hour of slack) would make, at least 5%
 * of its parcels; it holds while any is left at 2%.
 */
let h: AlertHarness;
beforeAll(async () => {
  h = await startAlertHarness('alerts_breach');
});
afterAll(() => h.close());

const MINUTE = 60_000;

async function liveAt(locationId: string) {
  const items = (expectStatus(await h.server.api.get(`/api/alerts?rule=promise_breach_risk&locationId=${locationId}`), 200).body as { items: any[] }).items;
  return items.filter((a) => a.state !== 'resolved');
}

async function newWarehouse() {
  const location = await createLocation(h.server.api);
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, 2_000);
  return { location, sku: product.sku };
}

/** `count` orders of `units` units placed at `at` and released a minute later: their shipments. */
async function released(sku: string, at: string, count: number, units = 1) {
  h.clock.set(new Date(at));
  const orders = [];
  for (let i = 0; i < count; i++) orders.push(await placedOrder(h.server.api, orderBody([{ sku, quantity: units }])));
  h.clock.advance(MINUTE);
  await release(h.server);
  const shipments: (ShipmentBody & { orderId: string })[] = [];
  for (const order of orders) shipments.push({ ...(await shipmentsOf(h.server, order.id))[0]!, orderId: order.id });
  return shipments;
}

/** Each shipment claimed at `at`, picked at 6 minutes a unit, then packed. */
async function worked(shipments: readonly ShipmentBody[], at: string) {
  h.clock.set(new Date(at));
  // A session of that day (the clock jumps days ahead between scenes).
  const picker = (await signedInUser(h.server, ['staff'])).client;
  for (const shipment of shipments) {
    h.clock.set(new Date(at));
    expectStatus(await picker.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment.lines.map((l) => l.id) }), 200);
    h.clock.advance(shipment.lines.reduce((n, l) => n + l.quantity, 0) * 6 * MINUTE);
    for (const line of shipment.lines) expectStatus(await picker.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
    expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) }), 200);
  }
}

/** A usual Thursday: 6 parcels released at 09:00 and claimed at 10:00. */
async function usualThursday(sku: string, day: string) {
  await worked(await released(sku, `${day}T09:00:00.000Z`, 6), `${day}T10:00:00.000Z`);
}

describe('promise_breach_risk', () => {
  it('raises when the floor claims hours later than usual: the parcels released in the afternoon will miss the collection their promise needs; holds while one is left, then resolves', async () => {
    const engine = h.engine({ rules: [promiseBreachRisk] });
    const { location, sku } = await newWarehouse();
    await usualThursday(sku, '2026-03-05');
    // Monday: the morning's parcels are claimed 6 h after their release (a capacity cut)…
    await worked(await released(sku, '2026-03-09T07:00:00.000Z', 6), '2026-03-09T13:00:00.000Z');
    // …so the 4 released at 15:00 will be claimed after 21:00, and miss their promised day, which
    // the usual hour would have made; a 150-unit case order released with them misses anyway.
    const afternoon = await released(sku, '2026-03-09T15:00:00.000Z', 4);
    const [caseOrder] = await released(sku, '2026-03-09T15:00:00.000Z', 1, 150);
    h.clock.set(new Date('2026-03-09T16:00:00.000Z'));
    await h.round(engine, 0);
    const [alert] = await liveAt(location.id);
    expect(alert).toMatchObject({
      subject: `location:${location.id}`,
      severity: 'warning',
      locationId: location.id,
      affected: { locationId: location.id, ordersTotal: 5 },
      measured: {
        kind: 'warehouse',
        openParcels: 11,
        dayParcels: 11,
        predictedLate: 5,
        behindUsualPace: 4,
        byStage: { claim: 4, pick: 0, pack: 0, hand_over: 0 },
        // Released a minute after placement: claimed 5 h 59 min and 59 min after release.
        claimWaitHours: 5.98,
        usualClaimWaitHours: 0.98,
        maxDaysLate: 1,
      },
    });
    expect(alert.measured.share).toBeCloseTo(4 / 11, 3);
    expect(alert.title).toBe(`5 orders at ${location.code} will miss their promised date`);
    // The floor's own slowness first, then the case order that misses at any pace.
    expect(alert.affected.orders.slice(0, 4).toSorted()).toEqual(afternoon.map((s) => s.orderId).toSorted());
    expect(alert.affected.orders[4]).toBe(caseOrder!.orderId);
    for (const p of alert.affected.predictions) {
      expect(p.stage).toBe('claim');
      expect(p.predictedDate > p.promisedDate, JSON.stringify(p)).toBe(true);
      // Raised before the breach: the promised day is still ahead.
      expect(p.promisedDate > '2026-03-09').toBe(true);
      expect(p.lateAtUsualPace).toBe(p.orderId === caseOrder!.orderId);
    }

    // Three of the four are worked at 16:30: one left (9%), which would not open an alert, holds it.
    await worked(afternoon.slice(0, 3), '2026-03-09T16:30:00.000Z');
    await h.round(engine, 0);
    expect(await liveAt(location.id)).toMatchObject([{ id: alert.id, measured: { behindUsualPace: 1 } }]);
    // The last one too: three rounds without it resolve the alert.
    await worked(afternoon.slice(3), '2026-03-09T16:45:00.000Z');
    for (let round = 0; round < 3; round++) await h.round(engine, 30_000);
    expect(await liveAt(location.id)).toEqual([]);
  });

  it('stays silent on a normal evening: parcels released just before the collection and a case order miss at the usual pace too, before and after the collection', async () => {
    const engine = h.engine({ rules: [promiseBreachRisk] });
    const { location, sku } = await newWarehouse();
    await usualThursday(sku, '2026-03-12');
    await worked(await released(sku, '2026-03-16T14:00:00.000Z', 6), '2026-03-16T15:00:00.000Z');
    await released(sku, '2026-03-16T15:00:00.000Z', 1, 150);
    await released(sku, '2026-03-16T20:10:00.000Z', 4);
    for (const at of ['2026-03-16T20:30:00.000Z', '2026-03-16T21:30:00.000Z']) {
      h.clock.set(new Date(at));
      await h.round(engine, 0);
      expect(await liveAt(location.id), at).toEqual([]);
    }
    // Five parcels are predicted late all the same: without a usual pace to set them against (a day of
    // baseline before a window of 8 h holds no claims), every one of them would count.
    const ctx = { db: h.server.db, clickhouse: undefined, now: h.clock.now(), severity: 'warning' as const, live: new Set<string>(), relayLagMs: () => null };
    const noBaseline = await promiseBreachRisk.evaluate({ ...ctx, thresholds: promiseBreachRisk.thresholds.parse({ throughputHours: 8, baselineDays: 1 }) });
    expect(noBaseline?.find((f) => f.subject === `location:${location.id}`)).toMatchObject({ measured: { predictedLate: 5, behindUsualPace: 5, usualClaimWaitHours: null } });
    const usual = await promiseBreachRisk.evaluate({ ...ctx, thresholds: promiseBreachRisk.thresholds.parse({ usualSlackHours: 0, minOrders: 1, raiseShare: 0.01, clearShare: 0 }) });
    expect(usual?.find((f) => f.subject === `location:${location.id}`)).toBeUndefined();
  });

  it('refuses a clear share above the raise share, naming the field', async () => {
    const refused = await h.server.api.patch('/api/alert-rules/promise_breach_risk', { thresholds: { raiseShare: 0.1, clearShare: 0.3 } });
    expect(refused.status).toBe(422);
    expect((refused.body as { errors: { path: string }[] }).errors).toEqual([{ path: 'thresholds.clearShare', message: 'must not be above raiseShare' }]);
  });
});

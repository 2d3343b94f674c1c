import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actOnAlert } from '#server/alerts/act-on-alert.ts';
import { realtimeAlertPublisher } from '#server/alerts/alert-publisher.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { createLogger } from '#server/logger.ts';
import { RealtimeClients, collect } from '#test/integration/realtime/realtime-client.ts';
import { signedInUser, pickAndPack, release, shipmentsOf, outboxOf, orderStatus } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import type { ApiClient, ApiResponse } from '#test/support/api-client.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/** The remedies of an alert: each changes what it claims through its domain command, and is recorded on the alert. */
const ok = (response: ApiResponse, status: number): any => expectStatus(response, status).body;

let h: AlertHarness;
let manager: { client: ApiClient; id: string };
let clients: RealtimeClients;
beforeAll(async () => {
  h = await startAlertHarness('alert_actions');
  manager = await signedInUser(h.server, ['manager']);
  clients = new RealtimeClients(h.server.url);
});
afterEach(() => clients.closeAll());
afterAll(() => h.close());

/** A warehouse with a product in stock, and `count` orders allocated there. */
async function ordersAt(count: number, overrides: Record<string, unknown> = {}, stock = 50) {
  const location = await createLocation(h.server.api);
  const product = await createProduct(h.server.api);
  await addStock(h.server.api, product.sku, location.id, stock);
  const orders = [];
  for (let i = 0; i < count; i++) orders.push(await placedOrder(h.server.api, orderBody([{ sku: product.sku, quantity: 1 }], overrides)));
  return { location, product, orders };
}

/** An open alert of a rule of its own, at `locationId`, listing these orders and SKUs. */
async function alertListing(key: string, locationId: string, affected: Record<string, unknown>, measured: Record<string, unknown> = {}) {
  const { rule, state } = scriptedRule(key);
  const engine = h.engine({ rules: [rule] });
  state.found = [finding(`location:${locationId}`, { locationId, affected: { locationId, ...affected }, measured })];
  await h.round(engine);
  const items = ok(await h.server.api.get(`/api/alerts?rule=${key}`), 200).items as { id: string }[];
  return items[0]!.id;
}

const historyOf = async (id: string) => ok(await h.server.api.get(`/api/alerts/${id}`), 200).history as { kind: string; actor: string; data: any }[];

describe('hold and release', () => {
  it('holds the listed orders, refuses one the alert does not list, and records the action with each outcome', async () => {
    const { location, orders } = await ordersAt(3);
    const [a, b, other] = orders;
    const alertId = await alertListing('act_hold', location.id, { orders: [a!.id, b!.id] });
    const result = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [a!.id, b!.id, other!.id], reason: 'dock closed' }), 200);
    expect(result).toMatchObject({ action: 'hold', done: 2, refused: 1, summary: 'Held 2 orders; 1 refused: not on this alert' });
    expect(result.outcomes).toEqual([
      expect.objectContaining({ subject: a!.id, orderNumber: a!.number, outcome: 'done' }),
      expect.objectContaining({ subject: b!.id, orderNumber: b!.number, outcome: 'done' }),
      expect.objectContaining({ subject: other!.id, outcome: 'refused', reason: 'not_listed' }),
    ]);
    expect(await orderStatus(h.server, a!.id)).toBe('on_hold');
    expect(await orderStatus(h.server, b!.id)).toBe('on_hold');
    expect(await orderStatus(h.server, other!.id)).toBe('allocated');
    expect(await outboxOf(h.server, a!.id, 'order.held')).toHaveLength(1);
    const entry = (await historyOf(alertId)).at(-1)!;
    expect(entry).toMatchObject({ kind: 'action', actor: manager.id, data: { action: 'hold', summary: result.summary, params: { reason: 'dock closed' } } });
    expect(entry.data.outcomes.map((o: any) => o.outcome)).toEqual(['done', 'done', 'refused']);

    // Holding again is refused per order; releasing brings them back.
    const again = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [a!.id] }), 200);
    expect(again.outcomes[0]).toMatchObject({ outcome: 'refused', reason: 'invalid_transition', detail: 'already on hold' });
    const released = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'release_hold', orderIds: [a!.id, b!.id] }), 200);
    expect(released).toMatchObject({ done: 2, refused: 0 });
    expect(await orderStatus(h.server, a!.id)).toBe('allocated');
    const notHeld = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'release_hold', orderIds: [a!.id] }), 200);
    expect(notHeld.outcomes[0]).toMatchObject({ outcome: 'refused', reason: 'invalid_transition', detail: 'not on hold' });
  });

  it('refuses a shipped order per subject and changes nothing of it, while the others are held', async () => {
    const { location, orders } = await ordersAt(2);
    const [shipped, waiting] = orders;
    await release(h.server);
    const [shipment] = await shipmentsOf(h.server, shipped!.id);
    const packed = await pickAndPack(manager.client, shipment!);
    expectStatus(await h.server.api.post(`/api/fulfillment/shipments/${packed.id}/ship`), 200);
    const alertId = await alertListing('act_shipped', location.id, { orders: [shipped!.id, waiting!.id] });
    const result = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [shipped!.id, waiting!.id] }), 200);
    expect(result.summary).toBe('Held 1 order; 1 refused: already shipped');
    expect(result.outcomes[0]).toMatchObject({ subject: shipped!.id, outcome: 'refused', reason: 'invalid_transition', detail: 'already shipped' });
    expect(await orderStatus(h.server, shipped!.id)).toBe('shipped');
    expect(await outboxOf(h.server, shipped!.id, 'order.held')).toHaveLength(0);
    expect(await orderStatus(h.server, waiting!.id)).toBe('on_hold');
  });
});

describe('reroute and upgrade service', () => {
  it('reroutes the listed orders to another location through rerouteOrder', async () => {
    const { location, product, orders } = await ordersAt(2);
    const target = await createLocation(h.server.api, { code: `DAL-${Date.now() % 100000}` });
    await addStock(h.server.api, product.sku, target.id, 20);
    const alertId = await alertListing('act_reroute', location.id, { orders: orders.map((o) => o.id) });
    const result = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'reroute', orderIds: orders.map((o) => o.id), toLocationId: target.id }), 200);
    expect(result.summary).toBe(`Rerouted 2 orders to ${target.code}`);
    expect(result.outcomes[0].result.moved).toEqual([expect.objectContaining({ sku: product.sku, locationId: target.id, quantity: 1 })]);
    const { rows } = await h.server.pool.query('select location_id from order_allocations where order_id = $1 and released_at is null', [orders[0]!.id]);
    expect(rows).toEqual([{ location_id: target.id }]);
    expect(await outboxOf(h.server, orders[0]!.id, 'order.rerouted')).toHaveLength(1);
  });

  it('upgrades standard to express with a new promise and its event; staff may not (403 naming action)', async () => {
    // Far from the warehouse, where express is days faster than standard.
    const seattle = { line1: '1 Pike St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US', lat: 47.61, lon: -122.33 };
    const { location, orders } = await ordersAt(1, { shippingAddress: seattle });
    const [order] = orders;
    await release(h.server);
    const [before] = await shipmentsOf(h.server, order!.id);
    const alertId = await alertListing('act_upgrade', location.id, { orders: [order!.id] });
    const staff = await signedInUser(h.server, ['staff']);
    const refused = await staff.client.post(`/api/alerts/${alertId}/actions`, { action: 'upgrade_service', orderIds: [order!.id] });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'forbidden', errors: [{ path: 'action' }] });

    const upgraded = await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'upgrade_service', orderIds: [order!.id] });
    const result = ok(upgraded, 200);
    expect(result).toMatchObject({ done: 1, summary: 'Upgraded 1 order to express' });
    const fetched = ok(await h.server.api.get(`/api/orders/${order!.id}`), 200);
    expect(fetched.delivery.service).toBe('express');
    const [after] = await shipmentsOf(h.server, order!.id);
    expect(after!['service']).toBe('express');
    expect(Date.parse(after!['promisedAt'] as string)).toBeLessThan(Date.parse(before!['promisedAt'] as string));
    const [event] = await outboxOf(h.server, order!.id, 'order.service_upgraded');
    expect(event!.payload).toMatchObject({ from: 'standard', to: 'express', actorId: manager.id });

    const twice = ok(await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'upgrade_service', orderIds: [order!.id] }), 200);
    expect(twice.outcomes[0]).toMatchObject({ outcome: 'refused', reason: 'validation', detail: "service is not faster than the order's express" });
  });
});

describe('the upgrade-service command on its own', () => {
  it('POST /api/orders/{id}/upgrade-service upgrades by number, is audited on the order, and refuses a second upgrade naming service', async () => {
    const { orders } = await ordersAt(1);
    const [order] = orders;
    const staff = await signedInUser(h.server, ['staff']);
    expect((await staff.client.post(`/api/orders/${order!.number}/upgrade-service`, {})).status).toBe(403);
    const upgraded = ok(await manager.client.post(`/api/orders/${order!.number}/upgrade-service`, {}), 200);
    expect(upgraded).toMatchObject({ orderId: order!.id, from: 'standard', to: 'express' });
    const again = await manager.client.post(`/api/orders/${order!.id}/upgrade-service`, { service: 'express' });
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([{ path: 'service', message: "is not faster than the order's express" }]);
    const audit = ok(await h.server.api.get(`/api/audit?targetId=${order!.number}`), 200);
    expect(audit.items.map((e: any) => [e.action, e.outcome])).toEqual(expect.arrayContaining([['orders:upgrade_service', 'ok']]));
  });
});

describe('restock proposals', () => {
  it('a planner proposes a transfer of the shortfall the alert measured; staff may not', async () => {
    const wanted = await createLocation(h.server.api);
    const donor = await createLocation(h.server.api);
    const product = await createProduct(h.server.api);
    await addStock(h.server.api, product.sku, donor.id, 100);
    const alertId = await alertListing('act_restock', wanted.id, { skus: [product.sku] }, { skus: { [product.sku]: { shortUnits: 12.4, available: 3 } } });
    const planner = await signedInUser(h.server, ['planner']);
    expect(ok(await planner.client.get(`/api/alerts/${alertId}`), 200).actions).toEqual(['propose_restock']);
    const staff = await signedInUser(h.server, ['staff']);
    expect(ok(await staff.client.get(`/api/alerts/${alertId}`), 200).actions).toEqual([]);
    expect((await staff.client.post(`/api/alerts/${alertId}/actions`, { action: 'propose_restock', skus: [product.sku], kind: 'transfer', fromLocationId: donor.id })).status).toBe(403);

    const result = ok(await planner.client.post(`/api/alerts/${alertId}/actions`, { action: 'propose_restock', skus: [product.sku, 'NOT-LISTED'], kind: 'transfer', fromLocationId: donor.id }), 200);
    expect(result).toMatchObject({ done: 1, refused: 1, summary: 'Proposed restock of 1 SKU (transfer); 1 refused: not on this alert' });
    const proposals = ok(await h.server.api.get(`/api/replenishment/proposals?sku=${product.sku}`), 200).items;
    expect(proposals).toEqual([
      expect.objectContaining({ kind: 'transfer', quantity: 13, locationId: wanted.id, fromLocationId: donor.id, alertId, runId: null, status: 'proposed', position: { shortUnits: 12.4, available: 3 } }),
    ]);
    // A second proposal while the first is open is refused: decide that one.
    const again = ok(await planner.client.post(`/api/alerts/${alertId}/actions`, { action: 'propose_restock', skus: [product.sku], kind: 'transfer', fromLocationId: donor.id }), 200);
    expect(again.outcomes[0]).toMatchObject({ outcome: 'refused', reason: 'conflict' });
    const refusedTransfer = await planner.client.post(`/api/alerts/${alertId}/actions`, { action: 'propose_restock', skus: [product.sku], kind: 'transfer' });
    expect(refusedTransfer.status).toBe(422);
    expect(refusedTransfer.body.errors).toEqual([expect.objectContaining({ path: 'fromLocationId' })]);
  });
});

describe('scopes and input', () => {
  it("staff limited to the alert's location act on its orders there, and are refused per order elsewhere", async () => {
    const here = await ordersAt(1);
    const elsewhere = await ordersAt(1);
    const alertId = await alertListing('act_scope', here.location.id, { orders: [here.orders[0]!.id, elsewhere.orders[0]!.id] });
    const staff = await signedInUser(h.server, ['staff'], [here.location.id]);
    const detail = ok(await staff.client.get(`/api/alerts/${alertId}`), 200);
    expect(detail.actions).toEqual(['hold', 'release_hold', 'reroute']);
    const result = ok(await staff.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [here.orders[0]!.id, elsewhere.orders[0]!.id] }), 200);
    expect(result.outcomes.map((o: any) => [o.outcome, o.reason])).toEqual([
      ['done', undefined],
      ['refused', 'forbidden'],
    ]);
    expect(await orderStatus(h.server, elsewhere.orders[0]!.id)).toBe('allocated');
    const otherStaff = await signedInUser(h.server, ['staff'], [elsewhere.location.id]);
    expect((await otherStaff.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [here.orders[0]!.id] })).status).toBe(404);
  });

  it('bad input is a 422 naming the field', async () => {
    const { location, orders } = await ordersAt(1);
    const alertId = await alertListing('act_input', location.id, { orders: [orders[0]!.id] });
    const unknown = await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'teleport', orderIds: [orders[0]!.id] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('action');
    const noOrders = await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: [] });
    expect(noOrders.body.errors[0].path).toBe('orderIds');
    const notUuid = await manager.client.post(`/api/alerts/${alertId}/actions`, { action: 'hold', orderIds: ['T100001'] });
    expect(notUuid.body.errors[0].path).toBe('orderIds.0');
  });
});

describe('the alert view', () => {
  it('lists several states at once, names the assignee and gives the order numbers beside their ids', async () => {
    const { location, orders } = await ordersAt(1);
    const alertId = await alertListing('view_states', location.id, { orders: [orders[0]!.id] });
    expectStatus(await manager.client.post(`/api/alerts/${alertId}/acknowledge`), 200);
    const live = ok(await h.server.api.get('/api/alerts?rule=view_states&state=open,acknowledged'), 200).items;
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ id: alertId, state: 'acknowledged', assigneeName: 'Floor worker', affected: { orders: [orders[0]!.id], orderNumbers: { [orders[0]!.id]: orders[0]!.number } } });
    expect(ok(await h.server.api.get('/api/alerts?rule=view_states&state=open,resolved'), 200).items).toHaveLength(0);
    // The control tower's tile: every rule's alerts together, beside the per-rule figures.
    h.clock.advance(1_000);
    const stats = ok(await h.server.api.get('/api/alerts/stats'), 200);
    expect(stats.overall.opened).toBe(stats.rules.reduce((sum: number, r: any) => sum + r.opened, 0));
    expect(stats.overall.timeToAcknowledgeSeconds.count).toBeGreaterThanOrEqual(1);
    const bad = await h.server.api.get('/api/alerts?state=open,closed');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('state');
  });
});

describe('socket.io alert messages', () => {
  it('say how the alert changed (opened, escalated, action) and carry the order numbers', async () => {
    const { location, orders } = await ordersAt(1);
    const socket = await clients.connect({ extraHeaders: { cookie: manager.client.defaults['cookie']! } });
    const heard = collect(socket, 'alert');
    const { rule, state } = scriptedRule('socket_changes');
    const engine = h.engine({ rules: [rule] });
    const affected = { locationId: location.id, orders: [orders[0]!.id] };
    state.found = [finding(`location:${location.id}`, { locationId: location.id, affected })];
    await h.round(engine);
    state.found = [finding(`location:${location.id}`, { locationId: location.id, affected, severity: 'critical' })];
    await h.round(engine);
    const alertId = ok(await h.server.api.get('/api/alerts?rule=socket_changes'), 200).items[0].id as string;
    // A running Tower publishes through the presenting publisher (names and numbers).
    const ctx = {
      db: h.server.db,
      clock: h.clock,
      logger: createLogger('silent'),
      sourcingPolicy: defaultSourcingPolicy,
      publish: realtimeAlertPublisher(h.server.realtime, { db: h.server.db }),
    } as unknown as Parameters<typeof actOnAlert>[0];
    await actOnAlert(ctx, null, alertId, { action: 'hold', orderIds: [orders[0]!.id] });
    const mine = async () => heard.filter((m) => m.id === alertId);
    for (let until = Date.now() + 5_000; (await mine()).length < 3 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 20));
    // Managers hear the alerts room and the location's room: the same message twice each.
    const changes = [...new Set((await mine()).map((m) => m['change']))];
    expect(changes).toEqual(['opened', 'escalated', 'action']);
    const action = (await mine()).find((m) => m['change'] === 'action')!;
    expect(action['affected']).toMatchObject({ orderNumbers: { [orders[0]!.id]: orders[0]!.number } });
  });
});

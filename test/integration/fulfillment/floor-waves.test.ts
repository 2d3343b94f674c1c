import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestScopedClock } from '#server/core/as-of.ts';
import { systemClock } from '#server/core/clock.ts';
import type { ServiceContext } from '#server/context.ts';
import { claimWave } from '#server/fulfillment/claim-wave.ts';
import { packWave } from '#server/fulfillment/pack-wave.ts';
import { pickWave } from '#server/fulfillment/pick-wave.ts';
import { runFloorWave, type FloorWaveStep } from '#server/fulfillment/run-floor-wave.ts';
import { shipWave } from '#server/fulfillment/ship-wave.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, createStore, expectStatus, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

/** POST /api/fulfillment/waves/{claim,pick,pack,ship}: a floor step of many shipments, each as its single command. */
let server: TestServer;
beforeAll(async () => {
  // Dated requests (x-tower-as-of) read their moment from the clock, as in a running Tower.
  server = await startTestServer({ clock: requestScopedClock(systemClock) });
});
afterAll(() => server.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const scansOf = (s: ShipmentBody) => s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));

async function wave(client: ApiClient, step: string, shipments: Record<string, unknown>[], withShipments = false) {
  return expectStatus(await client.post(`/api/fulfillment/waves/${step}`, { shipments, withShipments }), 200).body as {
    summary: { shipments: number; applied: number; failed: number };
    results: { index: number; shipmentId: string | null; status: number; shipmentStatus?: string; shipment?: ShipmentBody; problem?: { type: string; errors?: { path: string }[] } }[];
  };
}

/** A split order released to two new warehouses: its two shipments, by number, and what names its SKUs and locations. */
async function releasedSplitOrder() {
  const split = await splitOrder(server);
  await release(server);
  const shipments = await shipmentsOf(server, split.order.id);
  const roles = new Map<string, string>([
    [split.tee.sku, 'tee'],
    [split.mug.sku, 'mug'],
    [split.first.id, 'first'],
    [split.second.id, 'second'],
    ...shipments.map((s) => [s.id, `shipment-${s.number}`] as [string, string]),
  ]);
  return { ...split, shipments, roles };
}

/** Everything the floor steps wrote for an order, with its own ids named by role, so twin orders compare equal. */
async function footprint(orderId: string, roles: Map<string, string>) {
  const name = (value: unknown): unknown => {
    if (typeof value === 'string') return roles.get(value) ?? (/^[A-Z]{2}\d{16}$/.test(value) ? 'tracking' : value);
    if (Array.isArray(value)) return value.map(name);
    if (value instanceof Date) return value.toISOString();
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'placedAt').map(([k, v]) => [k, name(v)]));
    return value;
  };
  const q = async (text: string) => name((await server.pool.query(text, [orderId])).rows);
  // Rows whose order the SKUs' random names decide: sorted once named.
  const sorted = async (text: string) => ((await q(text)) as unknown[]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return {
    order: await q('select status, updated_at from orders where id = $1'),
    shipments: await q(`select id, status, pick_pack_cost_cents, packaging_cost_cents, label_cost_cents, captured_cents, shipped_at, updated_at,
        (select json_agg(json_build_object('sku', sku, 'quantity', quantity, 'picked', picked_quantity, 'packed', packed_quantity, 'claimedAt', pick_claimed_at, 'pickedAt', picked_at) order by sku)
          from shipment_lines where shipment_id = s.id) as lines,
        (select json_agg(json_build_object('number', number, 'code', packaging_code, 'weight', weight_grams, 'label', label_cost_cents, 'status', status) order by number)
          from packages where shipment_id = s.id) as packages
      from shipments s where order_id = $1 order by number`),
    events: await q(`select type, occurred_at, payload from outbox where aggregate_id = $1 and type not in ('order.placed', 'order.allocated', 'payment.authorized') order by id`),
    ledger: await sorted(`select sku, location_id, on_hand_delta, reserved_delta, reason, occurred_at from inventory_ledger where order_id = $1 and reason <> 'reservation' order by occurred_at, sku`),
    allocations: await sorted('select sku, location_id, quantity, released_at from order_allocations where order_id = $1 order by sku, released_at nulls last, quantity'),
    payments: await q('select status, authorized_cents, captured_cents, updated_at from payments where order_id = $1'),
  };
}

/** A floor worker who may date steps (history:write), as the simulator's is. */
const historian = () => signedInUser(server, ['staff', 'simulator']);

describe('floor waves', () => {
  it('claim, pick, pack and ship waves leave exactly what the single commands leave on a twin order: state, events, ledger, allocations, payment', async () => {
    const single = await releasedSplitOrder();
    const waved = await releasedSplitOrder();
    const picker = await historian();
    const at = { claim: minutesAgo(50), pick: minutesAgo(40), pack: minutesAgo(30), ship: minutesAgo(20) };

    for (const s of single.shipments) {
      expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: s.lines.map((l) => l.id) }, { 'x-tower-as-of': at.claim }), 200);
    }
    for (const s of single.shipments) expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/pick`, {}, { 'x-tower-as-of': at.pick }), 200);
    for (const s of single.shipments) expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/pack`, { items: scansOf(s) }, { 'x-tower-as-of': at.pack }), 200);
    for (const s of single.shipments) expectStatus(await picker.client.post(`/api/fulfillment/shipments/${s.id}/ship`, undefined, { 'x-tower-as-of': at.ship }), 200);

    const ids = waved.shipments.map((s) => ({ shipmentId: s.id }));
    expect((await wave(picker.client, 'claim', ids.map((i) => ({ ...i, asOf: at.claim })))).summary).toEqual({ shipments: 2, applied: 2, failed: 0 });
    expect((await wave(picker.client, 'pick', ids.map((i) => ({ ...i, asOf: at.pick })))).summary.applied).toBe(2);
    const packed = await wave(picker.client, 'pack', waved.shipments.map((s) => ({ shipmentId: s.id, asOf: at.pack, items: scansOf(s) })), true);
    expect(packed.results.map((r) => [r.status, r.shipment?.status, r.shipment?.packages.length])).toEqual([
      [200, 'packed', 1],
      [200, 'packed', 1],
    ]);
    const shipped = await wave(picker.client, 'ship', ids.map((i) => ({ ...i, asOf: at.ship })));
    expect(shipped.results.map((r) => r.shipmentStatus)).toEqual(['shipped', 'shipped']);

    const expected = await footprint(single.order.id, single.roles);
    expect(expected.order).toEqual([{ status: 'shipped', updated_at: at.ship }]);
    expect(await footprint(waved.order.id, waved.roles)).toEqual(expected);
    expect(server.logs.filter((l) => String(l['msg']).includes('set-based'))).toEqual([]);
  });

  it('ready-for-pickup and picked-up waves leave what the single commands leave on a twin pickup order', async () => {
    const pickupOrder = async () => {
      const store = await createStore(server.api);
      const product = await createProduct(server.api);
      await addStock(server.api, product.sku, store.id, 5);
      const body = orderBody([{ sku: product.sku, quantity: 2 }], { delivery: { method: 'pickup', service: 'standard', pickupLocationId: store.id } });
      delete (body as Record<string, unknown>).shippingAddress;
      const order = await placedOrder(server.api, body);
      await release(server);
      const [shipment] = await shipmentsOf(server, order.id);
      return { order, shipment: shipment!, roles: new Map([[product.sku, 'sku'], [store.id, 'store'], [shipment!.id, 'shipment']]) };
    };
    const single = await pickupOrder();
    const waved = await pickupOrder();
    const clerk = await historian();
    const at = { ready: minutesAgo(30), collected: minutesAgo(10) };
    for (const { shipment } of [single, waved]) {
      await wave(clerk.client, 'claim', [{ shipmentId: shipment.id }]);
      await wave(clerk.client, 'pick', [{ shipmentId: shipment.id }]);
      await wave(clerk.client, 'pack', [{ shipmentId: shipment.id, items: scansOf(shipment) }]);
    }
    // The claims, picks and packs happened now, at different moments: only what follows them is compared.
    await server.pool.query(`update shipments set updated_at = 'epoch' where id = any($1)`, [[single.shipment.id, waved.shipment.id]]);
    expectStatus(await clerk.client.post(`/api/fulfillment/shipments/${single.shipment.id}/ready-for-pickup`, undefined, { 'x-tower-as-of': at.ready }), 200);
    expectStatus(await clerk.client.post(`/api/fulfillment/shipments/${single.shipment.id}/picked-up`, undefined, { 'x-tower-as-of': at.collected }), 200);
    expect((await wave(clerk.client, 'ready-for-pickup', [{ shipmentId: waved.shipment.id, asOf: at.ready }])).results[0]!.shipmentStatus).toBe('ready_for_pickup');
    expect((await wave(clerk.client, 'picked-up', [{ shipmentId: waved.shipment.id, asOf: at.collected }])).results[0]!.shipmentStatus).toBe('picked_up');
    const expected = await footprint(single.order.id, single.roles);
    expect(expected.order).toEqual([{ status: 'delivered', updated_at: at.collected }]);
    const strip = (f: Awaited<ReturnType<typeof footprint>>) => ({ ...f, events: (f.events as { type: string }[]).filter((e) => e.type !== 'order.picking_started' && e.type !== 'order.packed'), shipments: (f.shipments as Record<string, unknown>[]).map(({ lines: _lines, ...rest }) => rest) });
    expect(strip(await footprint(waved.order.id, waved.roles))).toEqual(strip(expected));
  });

  it('writes one audit entry per item, dated to its own moment, beside the request’s', async () => {
    const { shipments } = await releasedSplitOrder();
    const picker = await historian();
    const asOf = minutesAgo(15);
    await wave(picker.client, 'claim', [{ shipmentId: shipments[0]!.id, asOf }, { shipmentId: randomUUID() }]);
    const { rows } = await server.pool.query(
      `select target_id, status, outcome, detail from audit_log where path = '/api/fulfillment/waves/claim' and actor_id = $1 order by id`,
      [picker.id],
    );
    expect(rows.map((r) => [r.target_id === shipments[0]!.id, r.status, r.outcome, r.detail.asOf ?? null])).toEqual(
      expect.arrayContaining([
        [true, 200, 'ok', asOf],
        [false, 404, 'failed', null],
      ]),
    );
  });

  it('refuses each bad item alone (unknown, wrong state, another location’s, too many units, short) and applies the others whole', async () => {
    const a = await releasedSplitOrder();
    const b = await releasedSplitOrder();
    const picker = await historian();
    const [a1, a2] = a.shipments as [ShipmentBody, ShipmentBody];
    const [b1, b2] = b.shipments as [ShipmentBody, ShipmentBody];
    // Someone only allowed at another warehouse.
    const elsewhere = await signedInUser(server, ['staff'], [(await createLocation(server.api)).id]);
    const foreign = await wave(elsewhere.client, 'claim', [{ shipmentId: a1.id }]);
    expect(foreign.results[0]).toMatchObject({ status: 403, problem: { type: 'forbidden', errors: [{ path: 'shipments.0.shipmentId' }] } });

    const claimed = await wave(picker.client, 'claim', [{ shipmentId: a1.id }, { shipmentId: randomUUID() }, { shipmentId: a2.id }, { shipmentId: 'nope' }, { shipmentId: b1.id }, { shipmentId: b2.id }]);
    expect(claimed.results.map((r) => r.status)).toEqual([200, 404, 200, 422, 200, 200]);
    expect(claimed.results[3]!.problem!.errors![0]!.path).toBe('shipments.3.shipmentId');

    // Pack before pick: 409; too many units: 422 naming the line; the rest picked, b2 short by one unit.
    const early = await wave(picker.client, 'pack', [{ shipmentId: a1.id, items: scansOf(a1) }]);
    expect(early.results[0]!.status).toBe(409);
    const teeLine = b1.lines[0]!;
    const picked = await wave(picker.client, 'pick', [
      { shipmentId: a1.id },
      { shipmentId: a2.id, lines: [{ shipmentLineId: a2.lines[0]!.id, quantity: 99 }] },
      { shipmentId: b1.id, lines: [{ shipmentLineId: teeLine.id, quantity: teeLine.quantity - 1 }] },
      { shipmentId: b2.id },
    ]);
    expect(picked.results.map((r) => r.status)).toEqual([200, 422, 200, 200]);
    expect(picked.results[1]!.problem!.errors![0]!.path).toBe('shipments.1.lines.0.quantity');
    const { rows: untouched } = await server.pool.query('select count(*)::int as n from shipment_lines where shipment_id = $1 and picked_at is not null', [a2.id]);
    expect(untouched[0].n).toBe(0);

    // Scans that do not match: 422 alone; b1 packs what was found, and ships with its missing unit handed back.
    const packed = await wave(picker.client, 'pack', [
      { shipmentId: a1.id, items: [{ sku: a1.lines[0]!.sku, quantity: 1 }] },
      { shipmentId: b1.id, items: [{ sku: teeLine.sku, quantity: teeLine.quantity - 1 }] },
      { shipmentId: b2.id, items: scansOf(b2) },
    ]);
    expect(packed.results.map((r) => r.status)).toEqual([422, 200, 200]);
    expect(packed.results[0]!.problem!.errors![0]!.path).toMatch(/^shipments\.0\.items/);
    const shipped = await wave(picker.client, 'ship', [{ shipmentId: b1.id }, { shipmentId: a1.id }, { shipmentId: b2.id }, { shipmentId: b2.id }]);
    expect(shipped.results.map((r) => r.status)).toEqual([200, 409, 200, 409]);
    const { rows: ledger } = await server.pool.query(`select reason, on_hand_delta from inventory_ledger where order_id = $1 and reason = 'shipment' order by sku`, [b.order.id]);
    expect(ledger.map((l) => l.on_hand_delta).sort()).toEqual([-(teeLine.quantity - 1), -1].sort());
    const { rows: a1State } = await server.pool.query('select status from shipments where id = $1', [a1.id]);
    expect(a1State[0].status).toBe('picking');
  });

  it('claims each shipment once when two pickers race for the same wave', async () => {
    const orders = await Promise.all([releasedSplitOrder(), releasedSplitOrder()]);
    const ids = orders.flatMap((o) => o.shipments.map((s) => ({ shipmentId: s.id })));
    const [one, two] = await Promise.all([signedInUser(server), signedInUser(server)]);
    const [first, second] = await Promise.all([wave(one.client, 'claim', ids), wave(two.client, 'claim', [...ids].reverse())]);
    const won = ids.map((_, k) => [first.results[k]!.status, second.results[ids.length - 1 - k]!.status].sort());
    expect(won).toEqual(ids.map(() => [200, 409]));
    const { rows } = await server.pool.query(
      `select s.id, count(distinct sl.picker_id)::int as pickers, (select count(*)::int from outbox o where o.type = 'order.picking_started' and o.payload->>'shipmentId' = s.id::text) as started
       from shipments s join shipment_lines sl on sl.shipment_id = s.id where s.id = any($1) group by s.id`,
      [ids.map((i) => i.shipmentId)],
    );
    expect(rows.map((r) => [r.pickers, r.started])).toEqual(ids.map(() => [1, 1]));
  });

  it('ships each shipment once when two ship waves race, and a repeated wave changes nothing', async () => {
    const order = await releasedSplitOrder();
    const picker = await signedInUser(server);
    const ids = order.shipments.map((s) => ({ shipmentId: s.id }));
    await wave(picker.client, 'claim', ids);
    expect((await wave(picker.client, 'claim', ids)).summary.applied).toBe(2); // one's own claims again: harmless
    await wave(picker.client, 'pick', ids);
    await wave(picker.client, 'pack', order.shipments.map((s) => ({ shipmentId: s.id, items: scansOf(s) })));
    const before = await footprint(order.order.id, order.roles);
    expect((await wave(picker.client, 'pack', order.shipments.map((s) => ({ shipmentId: s.id, items: scansOf(s) })))).results.map((r) => r.status)).toEqual([409, 409]);
    expect(await footprint(order.order.id, order.roles)).toEqual(before);

    const [a, b] = await Promise.all([wave(picker.client, 'ship', ids), wave(picker.client, 'ship', [...ids].reverse())]);
    expect(a.summary.applied + b.summary.applied).toBe(2);
    const shipped = await footprint(order.order.id, order.roles);
    expect((shipped.events as { type: string }[]).filter((e) => e.type === 'order.shipped')).toHaveLength(2);
    expect(shipped.ledger).toHaveLength(2);
    expect((await wave(picker.client, 'ship', ids)).results.map((r) => r.status)).toEqual([409, 409]);
    expect(await footprint(order.order.id, order.roles)).toEqual(shipped);
  });

  it('refuses a token’s claims (a person’s only) and an item’s asOf without history:write, item by item', async () => {
    const { shipments } = await releasedSplitOrder();
    const token = await server.tokenClient(['manager']);
    const byToken = await wave(token, 'claim', [{ shipmentId: shipments[0]!.id }]);
    expect(byToken.results[0]).toMatchObject({ status: 403, problem: { type: 'forbidden' } });
    const staff = await signedInUser(server);
    const dated = await wave(staff.client, 'claim', [{ shipmentId: shipments[0]!.id, asOf: minutesAgo(5) }, { shipmentId: shipments[1]!.id }]);
    expect(dated.results.map((r) => [r.status, r.problem?.errors?.[0]?.path])).toEqual([
      [403, 'shipments.0.asOf'],
      [200, undefined],
    ]);
    expect((await staff.client.post('/api/fulfillment/waves/claim', { shipments: [] })).status).toBe(422);
    expect((await staff.client.post('/api/fulfillment/waves/claim', { shipments: [{ shipmentId: shipments[0]!.id }], extra: 1 })).status).toBe(422);
  });

  it('applies plain items set-based: none of them falls back to the single command', async () => {
    const { shipments } = await releasedSplitOrder();
    const picker = await signedInUser(server);
    const actor = (await server.pool.query('select id from users where id = $1', [picker.id])).rows[0] as { id: string };
    const ctx: ServiceContext = {
      db: server.db,
      clock: systemClock,
      payments: new SandboxPaymentProvider(),
      paymentTimeoutMs: 2_000,
      logger: (await import('#server/logger.ts')).createLogger('silent'),
      orderWriter: server.orderWriter,
      orderContextReader: server.orderContextReader,
      sourcingPolicy: defaultSourcingPolicy,
    };
    const user = { kind: 'user' as const, id: actor.id, label: 'picker', roles: ['staff' as const], locationIds: null, sessionId: 'x', csrfToken: 'x', expiresAt: '' };
    const setOnly = <B>(step: FloorWaveStep<B>): FloorWaveStep<B> => ({ ...step, single: () => Promise.reject(new Error('went one by one')) });
    const scope = { mayDate: false, audit: () => ({ actorKind: 'user', action: 'fulfillment:work', method: 'POST', path: '/test' }), statusOf: () => 500 };
    const run = async <B>(step: FloorWaveStep<B>, items: Record<string, unknown>[]) => runFloorWave(ctx, user, setOnly(step), items, scope);
    const ids = shipments.map((s) => ({ shipmentId: s.id }));
    for (const [step, items] of [
      [claimWave, ids],
      [pickWave, ids],
      [packWave, shipments.map((s) => ({ shipmentId: s.id, items: scansOf(s) }))],
      [shipWave, ids],
    ] as const) {
      expect((await run(step as FloorWaveStep<unknown>, items as Record<string, unknown>[])).map((o) => 'shipmentStatus' in o)).toEqual([true, true]);
    }
  });
});

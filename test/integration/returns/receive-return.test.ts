import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { signIn } from '#test/support/api-client.ts';
import { createLocation, expectStatus, unique } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, orderStatusOf, outboxOf, requestReturnOf, type ReturnBody } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

async function level(sku: string, locationId: string) {
  const { rows } = await server.pool.query('select on_hand as "onHand", reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return (rows[0] as { onHand: number; reserved: number } | undefined) ?? { onHand: 0, reserved: 0 };
}

async function ledger(sku: string, locationId: string) {
  const { rows } = await server.pool.query(
    `select on_hand_delta as "onHandDelta", reserved_delta as "reservedDelta", reason, order_id as "orderId", note
     from inventory_ledger where sku = $1 and location_id = $2 and reason = 'return' order by id`,
    [sku, locationId],
  );
  return rows;
}

describe('receiving and inspecting returned goods', () => {
  it('puts restocked units back on hand at the receiving location with a ledger row; the other dispositions leave stock alone', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 5 }]);
    const sku = delivered.products[0]!.sku;
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku, quantity: 5, reason: 'defective' }]);
    // The shipping warehouse itself takes them back: stock there already exists.
    const before = await level(sku, delivered.location.id);

    const response = await server.api.post(`/api/returns/${rma.number}/receive`, {
      locationId: delivered.location.id,
      lines: [{ returnLineId: rma.lines[0]!.id, quantity: 4, disposition: { restock: 2, refurbish: 1, returnToVendor: 1 } }],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ status: 'received' });
    expect(await level(sku, delivered.location.id)).toEqual({ onHand: before.onHand + 2, reserved: before.reserved });
    expect(await ledger(sku, delivered.location.id)).toEqual([
      { onHandDelta: 2, reservedDelta: 0, reason: 'return', orderId: delivered.order.id, note: `return_restock ${rma.number}` },
    ]);
    const [adjusted] = (await server.pool.query(`select payload from outbox where type = 'inventory.adjusted' and payload->>'sku' = $1 and payload->>'reason' = 'return'`, [sku])).rows;
    expect(adjusted.payload).toMatchObject({ sku, locationId: delivered.location.id, delta: 2, onHand: before.onHand + 2 });
    // One unit still expected: the order is not returned yet.
    expect(await orderStatusOf(server, delivered.order.id)).toBe('return_requested');

    const scrapped = expectStatus(
      await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: delivered.location.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { scrap: 1 } }] }),
      200,
    ).body as ReturnBody;
    expect(scrapped.status).toBe('inspected');
    expect(scrapped.lines[0]).toMatchObject({ receivedQuantity: 5, disposition: { restock: 2, refurbish: 1, scrap: 1, returnToVendor: 1 } });
    expect((await level(sku, delivered.location.id)).onHand).toBe(before.onHand + 2);
    expect(await orderStatusOf(server, delivered.order.id)).toBe('returned');

    const received = await outboxOf(server, delivered.order.id, 'return.received');
    expect(received.map((e) => e.payload.lines)).toEqual([[{ sku, category: 'apparel', quantity: 4 }], [{ sku, category: 'apparel', quantity: 1 }]]);
    const inspected = await outboxOf(server, delivered.order.id, 'return.inspected');
    expect(inspected.map((e) => e.payload.lines[0])).toEqual([
      { sku, category: 'apparel', quantity: 4, reason: 'defective', restock: 2, refurbish: 1, scrap: 0, returnToVendor: 1 },
      { sku, category: 'apparel', quantity: 1, reason: 'defective', restock: 0, refurbish: 0, scrap: 1, returnToVendor: 0 },
    ]);
  });

  it('refuses more units than are still expected, dispositions that do not add up, and an unknown location, naming the field', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 2 }]);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 2 }]);
    const lineId = rma.lines[0]!.id;
    const tooMany = await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: delivered.location.id, lines: [{ returnLineId: lineId, quantity: 3, disposition: { restock: 3 } }] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toEqual([{ path: 'lines.0.quantity', message: expect.stringMatching(/only 2 of the 2 units/) }]);
    const uneven = await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: delivered.location.id, lines: [{ returnLineId: lineId, quantity: 2, disposition: { restock: 1 } }] });
    expect(uneven.body.errors).toEqual([{ path: 'lines.0.disposition', message: expect.stringMatching(/1 of 2/) }]);
    const nowhere = await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: crypto.randomUUID(), lines: [{ returnLineId: lineId, quantity: 1, disposition: { scrap: 1 } }] });
    expect(nowhere.body.errors).toEqual([{ path: 'locationId', message: 'no location has this id' }]);
    const otherLine = await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: delivered.location.id, lines: [{ returnLineId: crypto.randomUUID(), quantity: 1, disposition: { scrap: 1 } }] });
    expect(otherLine.body.errors).toEqual([{ path: 'lines.0.returnLineId', message: expect.stringMatching(/is not a line of return/) }]);
    expect((await server.api.get(`/api/returns/${rma.id}`)).body).toMatchObject({ status: 'requested', lines: [{ receivedQuantity: 0 }] });
  });

  it('two receipts of the same units at once count them once: one is refused, stock rises once', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 3 }]);
    const sku = delivered.products[0]!.sku;
    const dock = await createLocation(server.api);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku, quantity: 3 }]);
    const body = { locationId: dock.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 2, disposition: { restock: 2 } }] };

    const responses = await Promise.all([1, 2, 3].map(() => server.api.post(`/api/returns/${rma.id}/receive`, body)));

    expect(responses.map((r) => r.status).sort()).toEqual([200, 422, 422]);
    expect(await level(sku, dock.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await ledger(sku, dock.id)).toHaveLength(1);
    expect((await server.api.get(`/api/returns/${rma.id}`)).body.lines[0]).toMatchObject({ receivedQuantity: 2, disposition: { restock: 2 } });
    expect(await outboxOf(server, delivered.order.id, 'return.received')).toHaveLength(1);
  });

  it('a receipt retried with its Idempotency-Key is answered again without counting twice; the key on another body is a 422', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 4 }]);
    const sku = delivered.products[0]!.sku;
    const dock = await createLocation(server.api);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku, quantity: 4 }]);
    const body = { locationId: dock.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }] };
    const key = { 'idempotency-key': crypto.randomUUID() };

    const first = await server.api.post(`/api/returns/${rma.id}/receive`, body, key);
    const again = await server.api.post(`/api/returns/${rma.id}/receive`, body, key);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.lines[0]).toMatchObject({ receivedQuantity: 1 });
    expect(await level(sku, dock.id)).toEqual({ onHand: 1, reserved: 0 });
    const reused = await server.api.post(`/api/returns/${rma.id}/receive`, { ...body, lines: [{ ...body.lines[0], quantity: 2, disposition: { restock: 2 } }] }, key);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ type: 'idempotency_conflict' });
    expect(await ledger(sku, dock.id)).toHaveLength(1);
  });

  it('resolving an RMA partly received gives up the units still out: the order becomes returned', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 3 }], { region: 'OR' });
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 3 }]);
    expectStatus(
      await server.api.post(`/api/returns/${rma.id}/receive`, { locationId: delivered.location.id, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { refurbish: 1 } }] }),
      200,
    );
    expect(await orderStatusOf(server, delivered.order.id)).toBe('return_requested');
    const resolved = expectStatus(await server.api.post(`/api/returns/${rma.id}/resolve`, { kind: 'refund' }), 200).body as ReturnBody;
    expect(resolved).toMatchObject({ status: 'resolved', refundedCents: 1500 });
    expect(await orderStatusOf(server, delivered.order.id)).toBe('returned');
    // The two units given up may be returned on a new RMA (the order stays returned).
    const again = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 2 }]);
    expect(again.status).toBe('requested');
  });

  it('staff limited to some locations receive only there (403 naming locationId)', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1500, quantity: 1 }]);
    const elsewhere = await createLocation(server.api);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);
    const email = `${unique('dock')}@example.com`;
    const password = `pw-${crypto.randomUUID()}`;
    expectStatus(await server.api.post('/api/users', { email, name: 'Dock', password, roles: ['staff'], locationIds: [delivered.location.id] }), 201);
    const dock = await signIn(server.url, email, password);
    const body = (locationId: string) => ({ locationId, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }] });

    const refused = await dock.post(`/api/returns/${rma.id}/receive`, body(elsewhere.id));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'forbidden', errors: [{ path: 'locationId' }] });
    expect((await dock.post(`/api/returns/${rma.id}/receive`, body(delivered.location.id))).status).toBe(200);
  });
});

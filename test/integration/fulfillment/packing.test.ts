import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { orderStatus, pickAndPack, release, shipmentsOf, signedInUser, splitOrder, type ShipmentBody } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function picked(shipment: ShipmentBody) {
  const picker = await signedInUser(server);
  expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment.lines.map((l) => l.id) }), 200);
  for (const line of shipment.lines) expectStatus(await picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
  return picker;
}

async function packageRows(shipmentId: string) {
  const { rows } = await server.pool.query('select count(*)::int as n from packages where shipment_id = $1', [shipmentId]);
  return rows[0].n as number;
}

describe('packing', () => {
  it('refuses scans that differ from the picked units with 422 naming the item, and writes nothing', async () => {
    const { order, tee } = await splitOrder(server);
    await release(server);
    const [first] = await shipmentsOf(server, order.id);
    const picker = await picked(first!);

    const wrongQuantity = await picker.client.post(`/api/fulfillment/shipments/${first!.id}/pack`, { items: [{ sku: tee.sku, quantity: 2 }] });
    expect(wrongQuantity.status).toBe(422);
    expect(wrongQuantity.body).toMatchObject({ type: 'validation', errors: [{ path: 'items.0.quantity', message: `3 units of ${tee.sku} were picked, 2 scanned` }] });

    const wrongSku = await picker.client.post(`/api/fulfillment/shipments/${first!.id}/pack`, {
      items: [
        { sku: tee.sku, quantity: 3 },
        { sku: 'NOT-PICKED', quantity: 1 },
      ],
    });
    expect(wrongSku.body).toMatchObject({ status: 422, errors: [{ path: 'items.1.sku' }] });
    const missing = await picker.client.post(`/api/fulfillment/shipments/${first!.id}/pack`, { items: [{ sku: 'NOT-PICKED', quantity: 3 }] });
    expect(missing.body.errors.map((e: any) => e.path)).toEqual(['items.0.sku', 'items']);

    expect(await packageRows(first!.id)).toBe(0);
    expect((await shipmentsOf(server, order.id))[0]).toMatchObject({ status: 'picking', packagingCostCents: 0, labelCostCents: 0 });
  });

  it('is refused (409) before every line is picked', async () => {
    const { order } = await splitOrder(server);
    await release(server);
    const [first] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [first!.lines[0]!.id] }), 200);
    const response = await picker.client.post(`/api/fulfillment/shipments/${first!.id}/pack`, { items: [{ sku: first!.lines[0]!.sku, quantity: 3 }] });
    expect(response.body).toMatchObject({ status: 409, type: 'conflict' });
  });

  it('packs into the smallest fitting packaging with a tracking number, weight and label cost; the order is packed when all its shipments are', async () => {
    const { order } = await splitOrder(server);
    await release(server);
    const [first, second] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);

    const packed = await pickAndPack(picker.client, first!);
    expect(packed.status).toBe('packed');
    expect(packed.packages).toHaveLength(1);
    const [parcel] = packed.packages;
    // 3 T-shirts of 300×200×20 mm (3.6 l, 750 g) fit the small mailer (350×250×50, 4.4 l, 1 kg).
    expect(parcel).toMatchObject({ packagingCode: 'MAILER-S', weightGrams: 3 * 250 + 20, status: 'label_created', contents: [{ sku: first!.lines[0]!.sku, quantity: 3 }] });
    expect(parcel!.trackingNumber).toMatch(/^RE\d{16}$/);
    expect(packed).toMatchObject({ packagingCostCents: 25, labelCostCents: parcel!.labelCostCents });
    // Regional ground, zone 2: (740 + 100 × 1 kg) + 12% fuel; the mailer's 4.4 l bill 875 g, under 1 kg.
    expect(parcel!.labelCostCents).toBe(941);
    expect(await orderStatus(server, order.id)).toBe('picking');

    await pickAndPack(picker.client, second!);
    expect(await orderStatus(server, order.id)).toBe('packed');
  });

  it('splits a bulk B2B shipment over several packages', async () => {
    const { product } = await stockedProduct(server.api, 500, { weightGrams: 400, lengthMm: 120, widthMm: 90, heightMm: 100 });
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 200 }], { channel: 'b2b', payment: { method: 'invoice' } }));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    const packed = await pickAndPack((await signedInUser(server)).client, shipment!);
    expect(packed.packages.length).toBeGreaterThanOrEqual(3);
    expect(packed.packages.reduce((n, p) => n + p.contents[0]!.quantity, 0)).toBe(200);
    expect(new Set(packed.packages.map((p) => p.trackingNumber)).size).toBe(packed.packages.length);
    expect(packed.packagingCostCents).toBeGreaterThan(0);
  });
});

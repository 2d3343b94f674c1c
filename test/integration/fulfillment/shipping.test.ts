import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { readLabelPdf, scanLinearBarcodes } from '#test/unit/labels/support/read-label-pdf.ts';
import { orderStatus, outboxOf, pickAndPack, release, shipmentsOf, signedInUser, splitOrder } from './fulfillment-fixture.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function payment(orderId: string) {
  const { rows } = await server.pool.query('select status, authorized_cents, captured_cents from payments where order_id = $1', [orderId]);
  return rows[0] as { status: string; authorized_cents: number; captured_cents: number };
}

async function stock(sku: string, locationId: string) {
  const { rows } = await server.pool.query('select on_hand, reserved from inventory_levels where sku = $1 and location_id = $2', [sku, locationId]);
  return rows[0] as { on_hand: number; reserved: number };
}

describe('shipping', () => {
  it('each shipment captures its share, stock leaves, order.shipped is written; the last one captures the rest and ships the order', async () => {
    const { order, first, second, tee, mug } = await splitOrder(server);
    await release(server);
    const [one, two] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    await pickAndPack(picker.client, one!);
    await pickAndPack(picker.client, two!);
    const authorized = (await payment(order.id)).authorized_cents;

    const shipped = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${two!.id}/ship`), 200).body as any;
    expect(shipped).toMatchObject({ status: 'shipped' });
    expect(shipped.shippedAt).toEqual(expect.any(String));
    const firstCapture = (await payment(order.id)).captured_cents;
    expect(firstCapture).toBeGreaterThan(0);
    expect(firstCapture).toBeLessThan(authorized);
    expect(shipped.capturedCents).toBe(firstCapture);
    expect(await orderStatus(server, order.id)).toBe('packed');
    expect(await stock(mug.sku, second.id)).toEqual({ on_hand: 9, reserved: 0 });

    const last = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${one!.id}/ship`), 200).body as any;
    expect(await payment(order.id)).toEqual({ status: 'captured', authorized_cents: authorized, captured_cents: authorized });
    expect(last.capturedCents).toBe(authorized - firstCapture);
    expect(await orderStatus(server, order.id)).toBe('shipped');
    expect(await stock(tee.sku, first.id)).toEqual({ on_hand: 7, reserved: 0 });

    const events = await outboxOf(server, order.id, 'order.shipped');
    expect(events.map((e) => e.payload.shipmentNumber)).toEqual([2, 1]);
    const placed = await outboxOf(server, order.id, 'order.placed');
    expect(events[1]!.payload).toEqual({
      channel: 'web',
      destination: { country: 'US', region: 'TX', postalCode: '73301' },
      shipmentId: one!.id,
      shipmentNumber: 1,
      locationId: first.id,
      carrier: 'regional-parcel',
      service: 'standard',
      placedAt: new Date(placed[0]!.occurred_at).toISOString(),
      promisedAt: one!.promisedAt,
      packages: last.packages.map((p: any) => ({ trackingNumber: p.trackingNumber, weightGrams: p.weightGrams })),
      lines: [{ sku: tee.sku, category: 'apparel', quantity: 3 }],
      pickPackCostCents: 3 * 30 + 100,
      packagingCostCents: last.packagingCostCents,
      labelCostCents: last.labelCostCents,
    });
    expect((await outboxOf(server, order.id, 'payment.captured')).map((e) => e.payload.amountCents)).toEqual([firstCapture, authorized - firstCapture]);
  });

  it('an invoice payment captures nothing', async () => {
    const { product } = await stockedProduct(server.api, 10);
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { channel: 'b2b', payment: { method: 'invoice' } }));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    await pickAndPack(picker.client, shipment!);
    const shipped = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200).body as any;
    expect(shipped.capturedCents).toBe(0);
    expect((await payment(order.id)).captured_cents).toBe(0);
    expect(await orderStatus(server, order.id)).toBe('shipped');
  });

  it('a short pick ships what was picked and captures only that; the missing unit is backordered, not dropped', async () => {
    const { product, location } = await stockedProduct(server.api, 10, { priceCents: 1000 });
    const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 4 }]));
    await release(server);
    const [shipment] = await shipmentsOf(server, order.id);
    const picker = await signedInUser(server);
    const line = shipment!.lines[0]!;
    expectStatus(await picker.client.post('/api/fulfillment/pick-claims', { shipmentLineIds: [line.id] }), 200);
    expectStatus(await picker.client.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: 3 }), 200);
    expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment!.id}/pack`, { items: [{ sku: product.sku, quantity: 3 }] }), 200);
    const shipped = expectStatus(await picker.client.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200).body as any;
    const pay = await payment(order.id);
    expect(shipped.capturedCents).toBe(pay.captured_cents);
    expect(pay.captured_cents).toBeLessThan(pay.authorized_cents);
    // 10 on hand: the unit not found is written off and the 3 found left; the warehouse's other 6 stay.
    expect(await stock(product.sku, location.id)).toEqual({ on_hand: 6, reserved: 0 });
    expect((await outboxOf(server, order.id, 'order.shipped'))[0]!.payload.lines).toEqual([{ sku: product.sku, category: 'apparel', quantity: 3 }]);
    expect(await orderStatus(server, order.id)).toBe('picking');
    const { rows } = await server.pool.query('select backordered_quantity from order_lines where order_id = $1', [order.id]);
    expect(rows).toEqual([{ backordered_quantity: 1 }]);
  });

  it("a package's label is a PDF addressed to the customer, from the location, whose barcode scans as the tracking number", async () => {
    const { order } = await splitOrder(server);
    await release(server);
    const [one] = await shipmentsOf(server, order.id);
    const packed = await pickAndPack((await signedInUser(server)).client, one!);
    const response = await fetch(`${server.url}/api/fulfillment/packages/${packed.packages[0]!.id}/label`, { headers: server.api.defaults });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const label = await readLabelPdf(Buffer.from(await response.arrayBuffer()));
    const text = label.textItems.join(' ');
    expect(text).toContain('ADA LOVELACE');
    expect(text).toContain('1 MAIN ST');
    expect(text).toContain('AUSTIN');
    expect(text).toContain('TEST WAREHOUSE');
    expect(text).toContain(order.number);
    expect(await scanLinearBarcodes(label.raster)).toEqual([{ format: 'Code128', text: packed.packages[0]!.trackingNumber }]);
  });
});

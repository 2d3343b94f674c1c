import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { readLabelPdf, scanLinearBarcodes } from '#test/unit/labels/support/read-label-pdf.ts';
import { addStock, createProduct, createStore, orderBody, placedOrder } from '#test/support/factories.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, markDelivered, requestReturnOf } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

async function pdfAt(path: string): Promise<{ status: number; type: string | null; pdf: Buffer }> {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), pdf: Buffer.from(await response.arrayBuffer()) };
}

describe('the return label', () => {
  it('the customer prints from the tracking page: sent from their address to the delivering location, RETURN with the RMA number, whose barcode scans', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1200, quantity: 2 }]);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);

    const { status, type, pdf } = await pdfAt(`/api/track/${delivered.order.number}/returns/${rma.number}/label?email=${encodeURIComponent(delivered.email)}`);

    expect(status).toBe(200);
    expect(type).toBe('application/pdf');
    const label = await readLabelPdf(pdf);
    expect(label.pageCount).toBe(1);
    const text = label.textItems.join(' ');
    expect(text).toContain(rma.number);
    expect(text).toContain(delivered.order.number);
    expect(text).toContain('GRACE HOPPER');
    expect(text).toContain('RETURN');
    expect(await scanLinearBarcodes(label.raster)).toEqual([{ format: 'Code128', text: rma.number }]);
  });

  it('is a 404 for another order, another email or an unknown RMA, and a 409 for an order picked up in store', async () => {
    const delivered = await deliveredOrder(server, provider, [{ priceCents: 1200, quantity: 1 }]);
    const other = await deliveredOrder(server, provider, [{ priceCents: 1200, quantity: 1 }]);
    const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 1 }]);
    const email = encodeURIComponent(delivered.email);
    expect((await pdfAt(`/api/track/${other.order.number}/returns/${rma.number}/label?email=${encodeURIComponent(other.email)}`)).status).toBe(404);
    expect((await pdfAt(`/api/track/${delivered.order.number}/returns/${rma.number}/label?email=x@example.com`)).status).toBe(404);
    expect((await pdfAt(`/api/track/${delivered.order.number}/returns/R0/label?email=${email}`)).status).toBe(404);

    // A pickup order: delivered over the counter, so returned over the counter.
    const store = await createStore(server.api);
    const product = await createProduct(server.api);
    await addStock(server.api, product.sku, store.id, 3);
    const pickup = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }], { delivery: { method: 'pickup', pickupLocationId: store.id }, shippingAddress: undefined }));
    await markDelivered(server, pickup.id, store.id, { pickup: true });
    const counter = await requestReturnOf(server, pickup.number, [{ sku: product.sku, quantity: 1 }]);
    const refused = await server.api.get(`/api/returns/${counter.id}/label`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'conflict', errors: [{ path: 'id', message: 'has no shipping address' }] });
  });
});

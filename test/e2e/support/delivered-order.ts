import { randomUUID } from 'node:crypto';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { CARRIER_SECRET } from './global-setup.ts';

/** An order taken the whole way over the API: placed, released, picked, packed, shipped and delivered by its carrier's webhook. */
export async function deliveredOrder(admin: ApiClient) {
  const location = await createLocation(admin);
  const product = await createProduct(admin, { category: 'footwear', priceCents: 5000 });
  await addStock(admin, product.sku, location.id, 10);
  const body = orderBody([{ sku: product.sku, quantity: 2 }]);
  const order = expectStatus(await placeOrder(admin, body), 201).body as { id: string; number: string };
  expectStatus(await admin.post('/api/fulfillment/release', {}), 200);
  const [shipment] = expectStatus(await admin.get(`/api/fulfillment/shipments?orderId=${order.id}`), 200).body as { id: string; lines: { id: string; quantity: number }[] }[];
  expectStatus(await admin.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment!.lines.map((line) => line.id) }), 200);
  for (const line of shipment!.lines) expectStatus(await admin.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
  const packed = expectStatus(await admin.post(`/api/fulfillment/shipments/${shipment!.id}/pack`, { items: [{ sku: product.sku, quantity: 2 }] }), 200).body as {
    carrier: string;
    packages: { trackingNumber: string }[];
  };
  expectStatus(await admin.post(`/api/fulfillment/shipments/${shipment!.id}/ship`), 200);
  for (const pkg of packed.packages) {
    const raw = JSON.stringify({ eventId: randomUUID(), trackingNumber: pkg.trackingNumber, status: 'delivered', occurredAt: new Date().toISOString() });
    const response = await fetch(`${admin.baseUrl}/api/carriers/${packed.carrier}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tower-signature': signCarrierBody(CARRIER_SECRET, raw) },
      body: raw,
    });
    if (response.status !== 200) throw new Error(`carrier webhook answered ${response.status}: ${await response.text()}`);
  }
  return { order, location, product, email: body.customer.email };
}

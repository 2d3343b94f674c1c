import { randomUUID } from 'node:crypto';
import type { Role } from '#server/auth/permissions.ts';
import { signIn, type ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder, unique } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';

/** A signed-in person (cookie + CSRF token), optionally limited to some locations. */
export async function signedInUser(server: TestServer, roles: Role[] = ['staff'], locationIds?: string[]): Promise<{ client: ApiClient; id: string }> {
  const email = `${unique('floor')}@example.com`;
  const password = `pw-${randomUUID()}`;
  const created = expectStatus(await server.api.post('/api/users', { email, name: 'Floor worker', password, roles, ...(locationIds ? { locationIds } : {}) }), 201);
  return { client: await signIn(server.url, email, password), id: (created.body as { id: string }).id };
}

/**
 * An order split over two new warehouses: 3 units of one SKU only the first stocks and 1 unit of
 * another only the second stocks, so its shipment 1 leaves the first and shipment 2 the second.
 */
export async function splitOrder(server: TestServer, overrides: Record<string, unknown> = {}) {
  const first = await createLocation(server.api, { pickCostCents: 30, packCostCents: 100 });
  const second = await createLocation(server.api, { pickCostCents: 50, packCostCents: 150 });
  const tee = await createProduct(server.api, { category: 'apparel', weightGrams: 250, priceCents: 2000, lengthMm: 300, widthMm: 200, heightMm: 20 });
  const mug = await createProduct(server.api, { category: 'kitchen', weightGrams: 400, priceCents: 1200, lengthMm: 120, widthMm: 90, heightMm: 100 });
  await addStock(server.api, tee.sku, first.id, 10);
  await addStock(server.api, mug.sku, second.id, 10);
  const order = await placedOrder(
    server.api,
    orderBody(
      [
        { sku: tee.sku, quantity: 3 },
        { sku: mug.sku, quantity: 1 },
      ],
      overrides,
    ),
  );
  return { order, first, second, tee, mug };
}

export async function release(server: TestServer) {
  return expectStatus(await server.api.post('/api/fulfillment/release', {}), 200).body as { orders: number; shipments: number };
}

export interface ShipmentBody {
  id: string;
  number: number;
  locationId: string;
  status: string;
  carrier: string | null;
  capturedCents: number;
  lines: { id: string; sku: string; quantity: number; pickedQuantity: number; packedQuantity: number; pickerId: string | null }[];
  packages: { id: string; trackingNumber: string; weightGrams: number; status: string; packagingCode: string; labelCostCents: number; contents: { sku: string; quantity: number }[] }[];
  [key: string]: unknown;
}

export async function shipmentsOf(server: TestServer, orderId: string): Promise<ShipmentBody[]> {
  return expectStatus(await server.api.get(`/api/fulfillment/shipments?orderId=${orderId}`), 200).body as ShipmentBody[];
}

/** Claims, picks in full and packs a shipment as `picker`, returning the packed shipment. */
export async function pickAndPack(picker: ApiClient, shipment: ShipmentBody): Promise<ShipmentBody> {
  expectStatus(await picker.post('/api/fulfillment/pick-claims', { shipmentLineIds: shipment.lines.map((l) => l.id) }), 200);
  for (const line of shipment.lines) expectStatus(await picker.post(`/api/fulfillment/shipment-lines/${line.id}/pick`, { quantity: line.quantity }), 200);
  const items = shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  return expectStatus(await picker.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items }), 200).body as ShipmentBody;
}

export async function orderStatus(server: TestServer, orderId: string): Promise<string> {
  const { rows } = await server.pool.query('select status from orders where id = $1', [orderId]);
  return rows[0].status as string;
}

export async function outboxOf(server: TestServer, orderId: string, type: string): Promise<{ payload: Record<string, any>; occurred_at: Date }[]> {
  const { rows } = await server.pool.query('select payload, occurred_at from outbox where aggregate_id = $1 and type = $2 order by id', [orderId, type]);
  return rows;
}

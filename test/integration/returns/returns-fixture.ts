import type { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placedOrder, uniqueEmail } from '#test/support/factories.ts';
import type { TestServer } from '#test/support/test-server.ts';

export interface ReturnBody {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  status: string;
  resolution: string | null;
  refundedCents: number;
  shippingRefundedCents: number;
  storeCreditCents: number;
  exchangeOrderId: string | null;
  locationId: string | null;
  lines: {
    id: string;
    sku: string;
    category: string;
    quantity: number;
    reason: string;
    receivedQuantity: number;
    disposition: { restock: number; refurbish: number; scrap: number; returnToVendor: number };
    restockLocationId: string | null;
  }[];
  [key: string]: unknown;
}

export interface DeliveredOrder {
  order: { id: string; number: string };
  email: string;
  location: { id: string };
  products: { sku: string; category: string; priceCents: number }[];
  paymentId: string;
  shipmentId: string;
}

/**
 * An order placed through the API, then delivered behind its back: one delivered shipment
 * carrying every unit and the payment captured (in full unless `capturedCents` says otherwise;
 * in the sandbox provider too, so that it accepts refunds), as the fulfillment commands would have left it.
 */
export async function deliveredOrder(
  server: TestServer,
  provider: SandboxPaymentProvider,
  items: { priceCents: number; quantity: number; category?: string }[],
  options: { deliveredAt?: Date; region?: string; capturedCents?: number } = {},
): Promise<DeliveredOrder> {
  const location = await createLocation(server.api);
  const products = [];
  for (const item of items) {
    const product = await createProduct(server.api, { priceCents: item.priceCents, category: item.category ?? 'apparel', weightGrams: 250 });
    await addStock(server.api, product.sku, location.id, item.quantity + 10);
    products.push({ sku: product.sku, category: item.category ?? 'apparel', priceCents: item.priceCents });
  }
  const email = uniqueEmail('returner');
  const order = await placedOrder(
    server.api,
    orderBody(
      products.map((p, i) => ({ sku: p.sku, quantity: items[i]!.quantity })),
      {
        customer: { email, name: 'Grace Hopper' },
        shippingAddress: { line1: '1 Main St', city: 'Austin', region: options.region ?? 'TX', postalCode: '73301', country: 'US', lat: 30.27, lon: -97.74 },
      },
    ),
  );
  const { rows: payments } = await server.pool.query('select id, provider_ref, authorized_cents from payments where order_id = $1', [order.id]);
  const payment = payments[0] as { id: string; provider_ref: string; authorized_cents: number };
  const captured = options.capturedCents ?? payment.authorized_cents;
  await provider.capture(payment.provider_ref, captured, `fixture-capture-${payment.id}`);
  await server.pool.query(`update payments set captured_cents = $2, status = 'captured' where id = $1`, [payment.id, captured]);
  const shipmentId = await markDelivered(server, order.id, location.id, { deliveredAt: options.deliveredAt ?? new Date() });
  return { order, email, location, products, paymentId: payment.id, shipmentId };
}

/**
 * Gives an order one more shipment carrying all its units, delivered (or picked up in store),
 * and makes the order delivered. Under the order's lock, as the fulfillment commands work: a
 * release running meanwhile (another test's) skips the order, or has already given it a
 * pending shipment numbered 1.
 */
export async function markDelivered(
  server: TestServer,
  orderId: string,
  locationId: string,
  { deliveredAt = new Date(), pickup = false }: { deliveredAt?: Date; pickup?: boolean } = {},
): Promise<string> {
  const client = await server.pool.connect();
  try {
    await client.query('begin');
    await client.query('select id from orders where id = $1 for update', [orderId]);
    await client.query(`update orders set status = 'delivered' where id = $1`, [orderId]);
    const { rows } = await client.query(
      `insert into shipments (order_id, number, location_id, status, carrier, service, shipped_at, delivered_at)
       values ($1, (select coalesce(max(number), 0) + 1 from shipments where order_id = $1), $2, $4, $5, 'standard', $3::timestamptz - interval '2 days', $3)
       returning id`,
      [orderId, locationId, deliveredAt, pickup ? 'picked_up' : 'delivered', pickup ? null : 'ups'],
    );
    const shipmentId = (rows[0] as { id: string }).id;
    await client.query(
      `insert into shipment_lines (shipment_id, order_line_id, sku, quantity, picked_quantity, packed_quantity)
       select $1, id, sku, quantity, quantity, quantity from order_lines where order_id = $2`,
      [shipmentId, orderId],
    );
    await client.query('commit');
    return shipmentId;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

export async function requestReturnOf(server: TestServer, orderNumber: string, lines: { sku: string; quantity: number; reason?: string }[]) {
  const response = await server.api.post('/api/returns', { order: orderNumber, lines: lines.map((l) => ({ reason: 'size_or_fit', ...l })) });
  return expectStatus(response, 201).body as ReturnBody;
}

/** Receives every unit of an RMA at `locationId`, all restocked. */
export async function receiveAll(server: TestServer, rma: ReturnBody, locationId: string) {
  const lines = rma.lines.map((l) => ({ returnLineId: l.id, quantity: l.quantity - l.receivedQuantity, disposition: { restock: l.quantity - l.receivedQuantity } }));
  return expectStatus(await server.api.post(`/api/returns/${rma.id}/receive`, { locationId, lines }), 200).body as ReturnBody;
}

export async function outboxOf(server: TestServer, orderId: string, type: string): Promise<{ payload: Record<string, any>; occurred_at: Date }[]> {
  const { rows } = await server.pool.query('select payload, occurred_at from outbox where aggregate_id = $1 and type = $2 order by id', [orderId, type]);
  return rows;
}

export async function paymentOf(server: TestServer, paymentId: string) {
  const { rows } = await server.pool.query('select status, captured_cents as "capturedCents", refunded_cents as "refundedCents" from payments where id = $1', [paymentId]);
  return rows[0] as { status: string; capturedCents: number; refundedCents: number };
}

export async function orderStatusOf(server: TestServer, orderId: string): Promise<string> {
  const { rows } = await server.pool.query('select status from orders where id = $1', [orderId]);
  return (rows[0] as { status: string }).status;
}

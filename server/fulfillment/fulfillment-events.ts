import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { EventType } from '#server/core/events.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import type { LockedShipment } from './lock-shipment.ts';

/** What the fulfillment events copy from the order, so KPIs filter without a lookup (analytics/README.md). */
interface OrderFacts {
  channel: string;
  placedAt: string;
  destination: { country: string; region: string; postalCode: string } | null;
}

async function orderFacts(tx: Executor, orderId: string): Promise<OrderFacts> {
  const result = await tx.execute<{ channel: string; placed_at: Date | string; country: string | null; region: string | null; postal_code: string | null }>(sql`
    select o.channel, o.placed_at, a.country, a.region, a.postal_code
    from orders o left join addresses a on a.id = o.shipping_address_id where o.id = ${orderId}`);
  const row = result.rows[0]!;
  return {
    channel: row.channel,
    placedAt: new Date(row.placed_at).toISOString(),
    destination: row.country === null ? null : { country: row.country, region: row.region ?? '', postalCode: row.postal_code ?? '' },
  };
}

/** The units a shipment carries (packed, or to pick), per SKU with the order line's category. */
async function shipmentUnits(tx: Executor, shipmentId: string, units: 'packed' | 'to_pick'): Promise<{ sku: string; category: string; quantity: number }[]> {
  const quantity = units === 'packed' ? sql`sl.packed_quantity` : sql`sl.quantity`;
  const result = await tx.execute<{ sku: string; category: string; quantity: number }>(sql`
    select sl.sku, ol.category, sum(${quantity})::int as quantity
    from shipment_lines sl join order_lines ol on ol.id = sl.order_line_id
    where sl.shipment_id = ${shipmentId} and ${quantity} > 0
    group by sl.sku, ol.category order by sl.sku`);
  return result.rows;
}

const shippedLines = (tx: Executor, shipmentId: string) => shipmentUnits(tx, shipmentId, 'packed');

async function packagesOf(tx: Executor, shipmentId: string): Promise<{ trackingNumber: string; weightGrams: number }[]> {
  const result = await tx.execute<{ tracking_number: string; weight_grams: number }>(
    sql`select tracking_number, weight_grams from packages where shipment_id = ${shipmentId} order by number`,
  );
  return result.rows.map((p) => ({ trackingNumber: p.tracking_number, weightGrams: p.weight_grams }));
}

/** What every shipment event of an order says about the shipment, as order.shipped does. */
function shipmentFacts(facts: OrderFacts, shipment: LockedShipment) {
  return {
    channel: facts.channel,
    destination: facts.destination,
    shipmentId: shipment.id,
    shipmentNumber: shipment.number,
    locationId: shipment.locationId,
    carrier: shipment.carrier,
    service: shipment.service,
    placedAt: facts.placedAt,
    promisedAt: shipment.promisedAt?.toISOString() ?? null,
  };
}

/**
 * `order.picking_started`: a shipment's first lines are claimed. `lines` are the units to pick,
 * `pickPackCostCents` the location's pick + pack labor for them.
 */
export async function orderPickingStartedEvent(tx: Executor, shipment: LockedShipment, pickerId: string, occurredAt: Date): Promise<NewEvent> {
  const facts = await orderFacts(tx, shipment.orderId);
  return {
    type: EventType.orderPickingStarted,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: { ...shipmentFacts(facts, shipment), pickerId, lines: await shipmentUnits(tx, shipment.id, 'to_pick'), pickPackCostCents: shipment.pickPackCostCents },
  };
}

/** `order.packed`: a shipment is packed; its packages, the packed units and the costs known once packed. */
export async function orderPackedEvent(
  tx: Executor,
  shipment: LockedShipment,
  costs: { packagingCostCents: number; labelCostCents: number },
  occurredAt: Date,
): Promise<NewEvent> {
  const facts = await orderFacts(tx, shipment.orderId);
  return {
    type: EventType.orderPacked,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: {
      ...shipmentFacts(facts, shipment),
      packages: await packagesOf(tx, shipment.id),
      lines: await shippedLines(tx, shipment.id),
      pickPackCostCents: shipment.pickPackCostCents,
      packagingCostCents: costs.packagingCostCents,
      labelCostCents: costs.labelCostCents,
    },
  };
}

/** `order.shipped`, exactly as analytics/README.md "Fulfillment events" specifies it. */
export async function orderShippedEvent(tx: Executor, shipment: LockedShipment, occurredAt: Date): Promise<NewEvent> {
  const [facts, lines, packages] = [await orderFacts(tx, shipment.orderId), await shippedLines(tx, shipment.id), await packagesOf(tx, shipment.id)];
  return {
    type: EventType.orderShipped,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: {
      ...shipmentFacts(facts, shipment),
      packages,
      lines,
      pickPackCostCents: shipment.pickPackCostCents,
      packagingCostCents: shipment.packagingCostCents,
      labelCostCents: shipment.labelCostCents,
    },
  };
}

/** `order.delivered`, exactly as analytics/README.md specifies it; `deliveredAt` is the carrier's scan (or the pickup). */
export async function orderDeliveredEvent(tx: Executor, shipment: LockedShipment, deliveredAt: Date, occurredAt: Date): Promise<NewEvent> {
  const facts = await orderFacts(tx, shipment.orderId);
  const lines = await shippedLines(tx, shipment.id);
  return {
    type: EventType.orderDelivered,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: {
      channel: facts.channel,
      destination: facts.destination,
      shipmentId: shipment.id,
      locationId: shipment.locationId,
      carrier: shipment.carrier,
      placedAt: facts.placedAt,
      promisedAt: shipment.promisedAt?.toISOString() ?? null,
      deliveredAt: deliveredAt.toISOString(),
      lines,
    },
  };
}

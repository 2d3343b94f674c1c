import { sql } from 'drizzle-orm';
import { addressOf } from '#server/orders/address-of.ts';
import type { Executor } from '#db/client.ts';
import { EventType } from '#server/core/events.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import type { LockedShipment } from './lock-shipment.ts';

/** What the fulfillment events copy from the order, so KPIs filter without a lookup (analytics/README.md). */
export interface OrderFacts {
  channel: string;
  placedAt: string;
  destination: { country: string; region: string; postalCode: string } | null;
}

export type ShipmentUnits = { sku: string; category: string; quantity: number }[];
export type PackageFacts = { trackingNumber: string; weightGrams: number }[];

/** The facts of many orders at once (the set-based floor commands read them in one statement). */
export async function orderFactsOf(tx: Executor, orderIds: readonly string[]): Promise<Map<string, OrderFacts>> {
  if (orderIds.length === 0) return new Map();
  const result = await tx.execute<{ id: string; channel: string; placed_at: Date | string; country: string | null; region: string | null; postal_code: string | null }>(sql`
    select o.id, o.channel, o.placed_at, a.country, a.region, a.postal_code
    from orders o left join lateral (${addressOf(sql`o`)}) a on true where o.id = any(${sql.param([...new Set(orderIds)])}::uuid[])`);
  return new Map(
    result.rows.map((row) => [
      row.id,
      {
        channel: row.channel,
        placedAt: new Date(row.placed_at).toISOString(),
        destination: row.country === null ? null : { country: row.country, region: row.region ?? '', postalCode: row.postal_code ?? '' },
      },
    ]),
  );
}

async function orderFacts(tx: Executor, orderId: string): Promise<OrderFacts> {
  return (await orderFactsOf(tx, [orderId])).get(orderId)!;
}

/** The units shipments carry (packed, or to pick), per SKU with the order line's category, by shipment. */
export async function shipmentUnitsOf(tx: Executor, shipmentIds: readonly string[], units: 'packed' | 'to_pick'): Promise<Map<string, ShipmentUnits>> {
  const byShipment = new Map<string, ShipmentUnits>(shipmentIds.map((id) => [id, []]));
  if (shipmentIds.length === 0) return byShipment;
  const quantity = units === 'packed' ? sql`sl.packed_quantity` : sql`sl.quantity`;
  // By the shipment index, one shipment at a time, whatever the planner thinks of the table's size.
  const result = await tx.execute<{ shipment_id: string; sku: string; category: string; quantity: number }>(sql`
    select s.id as shipment_id, u.sku, u.category, u.quantity
    from unnest(${sql.param([...shipmentIds])}::uuid[]) as s(id)
    cross join lateral (
      select sl.sku, ol.category, sum(${quantity})::int as quantity
      from shipment_lines sl join order_lines ol on ol.id = sl.order_line_id
      where sl.shipment_id = s.id and ${quantity} > 0
      group by sl.sku, ol.category order by sl.sku) u`);
  for (const r of result.rows) byShipment.get(r.shipment_id)!.push({ sku: r.sku, category: r.category, quantity: r.quantity });
  return byShipment;
}

/** Shipments' packages (tracking number and weight) by number, by shipment. */
export async function packagesOfShipments(tx: Executor, shipmentIds: readonly string[]): Promise<Map<string, PackageFacts>> {
  const byShipment = new Map<string, PackageFacts>(shipmentIds.map((id) => [id, []]));
  if (shipmentIds.length === 0) return byShipment;
  const result = await tx.execute<{ shipment_id: string; tracking_number: string; weight_grams: number }>(
    sql`select shipment_id, tracking_number, weight_grams from packages where shipment_id = any(${sql.param([...shipmentIds])}::uuid[]) order by shipment_id, number`,
  );
  for (const p of result.rows) byShipment.get(p.shipment_id)!.push({ trackingNumber: p.tracking_number, weightGrams: p.weight_grams });
  return byShipment;
}

const shippedLines = async (tx: Executor, shipmentId: string) => (await shipmentUnitsOf(tx, [shipmentId], 'packed')).get(shipmentId)!;
const packagesOf = async (tx: Executor, shipmentId: string) => (await packagesOfShipments(tx, [shipmentId])).get(shipmentId)!;

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
 * `pickPackCostCents` the location's pick + pack labor for them; `pickerId` is null in imported
 * history, whose pickers are not Tower's users.
 */
export function pickingStartedEvent(facts: OrderFacts, shipment: LockedShipment, pickerId: string | null, lines: ShipmentUnits, occurredAt: Date): NewEvent {
  return {
    type: EventType.orderPickingStarted,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: { ...shipmentFacts(facts, shipment), pickerId, lines, pickPackCostCents: shipment.pickPackCostCents },
  };
}

export async function orderPickingStartedEvent(tx: Executor, shipment: LockedShipment, pickerId: string, occurredAt: Date): Promise<NewEvent> {
  const lines = (await shipmentUnitsOf(tx, [shipment.id], 'to_pick')).get(shipment.id)!;
  return pickingStartedEvent(await orderFacts(tx, shipment.orderId), shipment, pickerId, lines, occurredAt);
}

/** `order.packed`: a shipment is packed; its packages, the packed units and the costs known once packed. */
export function packedEvent(
  facts: OrderFacts,
  shipment: LockedShipment,
  packages: PackageFacts,
  lines: ShipmentUnits,
  costs: { packagingCostCents: number; labelCostCents: number },
  occurredAt: Date,
): NewEvent {
  return {
    type: EventType.orderPacked,
    aggregateType: 'order',
    aggregateId: shipment.orderId,
    occurredAt,
    payload: {
      ...shipmentFacts(facts, shipment),
      packages,
      lines,
      pickPackCostCents: shipment.pickPackCostCents,
      packagingCostCents: costs.packagingCostCents,
      labelCostCents: costs.labelCostCents,
    },
  };
}

export async function orderPackedEvent(
  tx: Executor,
  shipment: LockedShipment,
  costs: { packagingCostCents: number; labelCostCents: number },
  occurredAt: Date,
): Promise<NewEvent> {
  const facts = await orderFacts(tx, shipment.orderId);
  return packedEvent(facts, shipment, await packagesOf(tx, shipment.id), await shippedLines(tx, shipment.id), costs, occurredAt);
}

/** `order.shipped`, exactly as analytics/README.md "Fulfillment events" specifies it. */
export function shippedEvent(facts: OrderFacts, shipment: LockedShipment, packages: PackageFacts, lines: ShipmentUnits, occurredAt: Date): NewEvent {
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

export async function orderShippedEvent(tx: Executor, shipment: LockedShipment, occurredAt: Date): Promise<NewEvent> {
  const [facts, lines, packages] = [await orderFacts(tx, shipment.orderId), await shippedLines(tx, shipment.id), await packagesOf(tx, shipment.id)];
  return shippedEvent(facts, shipment, packages, lines, occurredAt);
}

/** `order.delivered`, exactly as analytics/README.md specifies it; `deliveredAt` is the carrier's scan (or the pickup). */
export function deliveredEvent(facts: OrderFacts, shipment: LockedShipment, lines: ShipmentUnits, deliveredAt: Date, occurredAt: Date): NewEvent {
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

export async function orderDeliveredEvent(tx: Executor, shipment: LockedShipment, deliveredAt: Date, occurredAt: Date): Promise<NewEvent> {
  return deliveredEvent(await orderFacts(tx, shipment.orderId), shipment, await shippedLines(tx, shipment.id), deliveredAt, occurredAt);
}

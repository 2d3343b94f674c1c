import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { NotFoundError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { Tracking } from './tracking.schemas.ts';

/**
 * The order events a customer sees on the tracking page; holds and internal steps are not shown.
 * Only each event's type and time leave: payloads carry pickers, locations and costs.
 */
const CUSTOMER_EVENTS = [
  EventType.orderPlaced,
  EventType.orderAllocated,
  EventType.orderBackordered,
  EventType.orderPickingStarted,
  EventType.orderPacked,
  EventType.orderShipped,
  EventType.orderDelivered,
  EventType.orderCancelled,
];

/**
 * Public tracking: the order's status, its timeline and its packages, for whoever knows both
 * its number (or a tracking number) and its email. A wrong email is answered exactly like an
 * unknown number, and nothing else about the customer (name, address, amounts) is shown.
 * Each shipment's picking and packing appear as `order.picking_started` and `order.packed`;
 * carrier scans as `package.<status>`.
 */
export async function trackOrder(db: Database, number: string, email: string): Promise<Tracking> {
  // Two lookups, each on its own unique index (an OR of both would scan every order).
  const byNumber = await db.execute<{ id: string; number: string; status: string; email: string }>(sql`
    select o.id, o.number, o.status, c.email from orders o join customers c on c.id = o.customer_id where o.number = ${number}`);
  const found =
    byNumber.rows.length > 0
      ? byNumber
      : await db.execute<{ id: string; number: string; status: string; email: string }>(sql`
          select o.id, o.number, o.status, c.email from packages p
          join shipments s on s.id = p.shipment_id join orders o on o.id = s.order_id join customers c on c.id = o.customer_id
          where p.tracking_number = ${number}`);
  const order = found.rows[0];
  if (!order || order.email !== email) throw new NotFoundError(`Order ${number}`);
  // A shipment starts picking again when its picker lets go of every line: the customer saw it start once.
  const events = await db.execute<{ type: string; at: Date | string }>(sql`
    select type, occurred_at as at, id as seq from outbox o
    where aggregate_type = 'order' and aggregate_id = ${order.id} and type = any(${sql.param(CUSTOMER_EVENTS)}::text[])
      and not (type = ${EventType.orderPickingStarted} and exists (
        select 1 from outbox e where e.aggregate_type = 'order' and e.aggregate_id = o.aggregate_id and e.type = o.type
          and e.payload->>'shipmentId' = o.payload->>'shipmentId' and e.id < o.id))
    union all
    select 'package.' || e.status::text, e.occurred_at, null from carrier_events e
    where e.tracking_number in (select p.tracking_number from packages p join shipments s on s.id = p.shipment_id where s.order_id = ${order.id})
    order by at, seq, type`);
  const packages = await db.execute<{ tracking_number: string; carrier: string | null; status: string }>(sql`
    select p.tracking_number, s.carrier, p.status from packages p join shipments s on s.id = p.shipment_id
    where s.order_id = ${order.id} order by s.number, p.number`);
  return {
    number: order.number,
    status: order.status,
    events: events.rows.map((e) => ({ type: e.type, at: new Date(e.at).toISOString() })),
    packages: packages.rows.map((p) => ({ trackingNumber: p.tracking_number, carrier: p.carrier, status: p.status })),
  };
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { EventType } from '#server/core/events.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';

export interface OrderFacts {
  channel: string;
  destination: { country: string; region: string; postalCode: string } | null;
}

/** What return events copy from the order (as the fulfillment events do), so KPIs filter without a lookup. */
export async function orderFacts(tx: Executor, orderId: string): Promise<OrderFacts> {
  return (await orderFactsOf(tx, [orderId])).get(orderId)!;
}

/** The facts of many orders in one statement, by order id. */
export async function orderFactsOf(tx: Executor, orderIds: readonly string[]): Promise<Map<string, OrderFacts>> {
  if (orderIds.length === 0) return new Map();
  const result = await tx.execute<{ id: string; channel: string; country: string | null; region: string | null; postal_code: string | null }>(sql`
    select o.id, o.channel, a.country, a.region, a.postal_code
    from orders o left join addresses a on a.id = o.shipping_address_id where o.id = any(${sql.param([...new Set(orderIds)])}::uuid[])`);
  return new Map(
    result.rows.map((row) => [
      row.id,
      { channel: row.channel, destination: row.country === null ? null : { country: row.country, region: row.region ?? '', postalCode: row.postal_code ?? '' } },
    ]),
  );
}

/** Return events belong to the order's stream: the relay files them under the order. */
export function returnEvent(type: EventType, orderId: string, occurredAt: Date, payload: Record<string, unknown>): NewEvent {
  return { type, aggregateType: 'order', aggregateId: orderId, occurredAt, payload };
}

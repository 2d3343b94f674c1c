import { eq, sql } from 'drizzle-orm';
import { orders } from '#db/schema/orders.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { lockAndPlanReservation, requirePlannedReservation, reservationRows, reservationStatements } from '#server/inventory/reserve-stock.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { lockOrder } from './lock-order.ts';

const BATCH = 200;

/**
 * Gives newly available stock of a SKU to backordered orders, oldest first. Each order is its
 * own transaction that locks the order before the stock, the same order as cancelling, so
 * the two never deadlock. Returns the ids of orders that became fully allocated.
 */
export async function allocateBackorders(ctx: ServiceContext, sku: string): Promise<string[]> {
  const waiting = await ctx.db.execute<{ id: string }>(sql`
    select o.id from orders o
    where o.status = 'backordered'
      and exists (select 1 from order_lines l where l.order_id = o.id and l.sku = ${sku} and l.backordered_quantity > 0)
    order by o.placed_at, o.id
    limit ${BATCH}`);
  const completed: string[] = [];
  for (const { id } of waiting.rows) {
    const outcome = await ctx.db.transaction(async (tx) => {
      const order = await lockOrder(tx, id);
      if (order.status !== 'backordered') return 'skipped';
      const detail = await tx.execute<{ line_id: string; sku: string; backordered_quantity: number; lat: number | null; lon: number | null; pickup_location_id: string | null }>(sql`
        select l.id as line_id, l.sku, l.backordered_quantity, coalesce(pl.lat, a.lat) as lat, coalesce(pl.lon, a.lon) as lon, o.pickup_location_id
        from order_lines l join orders o on o.id = l.order_id
        left join addresses a on a.id = o.shipping_address_id
        left join locations pl on pl.id = o.pickup_location_id
        where l.order_id = ${id} and l.backordered_quantity > 0
        order by l.line_no`);
      const lines = detail.rows;
      const first = lines[0];
      if (!first) return 'skipped';
      const occurredAt = ctx.clock.now();
      const plan = await lockAndPlanReservation(tx, {
        lines: lines.map((l, lineIndex) => ({ lineIndex, sku: l.sku, quantity: l.backordered_quantity })),
        destination: first.lat !== null && first.lon !== null ? { lat: first.lat, lon: first.lon } : null,
        onlyLocationId: first.pickup_location_id,
      });
      if (plan.allocations.length === 0) return 'waiting';
      const lineIds = lines.map((l) => l.line_id);
      await tx.execute(sql`
        with ${reservationStatements(reservationRows(id, lineIds, plan, occurredAt))}
        update order_lines l set backordered_quantity = v.short
        from unnest(${sql.param(lineIds)}::uuid[], ${sql.param(lines.map((_, i) => plan.shortByLine.get(i) ?? 0))}::int[]) as v(id, short)
        where l.id = v.id and ${requirePlannedReservation()}`);
      const allocations = plan.allocations.map((a) => ({ sku: a.sku, locationId: a.locationId, quantity: a.quantity }));
      if (plan.shortByLine.size > 0) return 'waiting';
      await tx.update(orders).set({ status: 'allocated', updatedAt: occurredAt }).where(eq(orders.id, id));
      await appendEvents(tx, [
        { type: EventType.orderAllocated, aggregateType: 'order', aggregateId: id, occurredAt, payload: { channel: order.channel, allocations, fromBackorder: true } },
      ]);
      return 'allocated';
    });
    if (outcome === 'allocated') completed.push(id);
  }
  return completed;
}

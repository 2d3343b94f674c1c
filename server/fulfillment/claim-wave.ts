import { sql } from 'drizzle-orm';
import { DomainError, NotFoundError } from '#server/core/errors.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { claimPicks } from './claim-picks.ts';
import { orderFactsOf, pickingStartedEvent, shipmentUnitsOf } from './fulfillment-events.ts';
import type { ZodType } from 'zod';
import { EmptyWaveBody } from './floor-wave.schemas.ts';
import type { FloorWaveStep, WaveItem } from './run-floor-wave.ts';
import { WaveOrders } from './wave-orders.ts';


/**
 * Claims whole shipments for the signed-in picker, a wave at once: each item is
 * `POST /api/fulfillment/pick-claims` with every line of its shipment (claim-picks.ts), the
 * shipments that start picking with their `order.picking_started` and their orders moved on.
 */
export const claimWave: FloorWaveStep<EmptyWaveBody> = {
  step: 'claim',
  body: EmptyWaveBody as ZodType<EmptyWaveBody>,
  after: 'picking',
  async applyInSet(_ctx, tx, actor, items) {
    // Pick claims are a person's: a token's items are refused one by one by the single command.
    if (actor?.kind !== 'user') return new Set();
    const lines = await tx.execute<{ id: string; shipment_id: string; picker_id: string | null; picked_at: Date | null }>(sql`
      select id, shipment_id, picker_id, picked_at from shipment_lines
      where shipment_id = any(${sql.param(items.map((i) => i.shipmentId))}::uuid[]) order by id for update`);
    const linesOf = new Map<string, typeof lines.rows>();
    for (const l of lines.rows) linesOf.set(l.shipment_id, [...(linesOf.get(l.shipment_id) ?? []), l]);
    const orders = await WaveOrders.load(tx, items.map((i) => i.shipment.orderId), false);

    const claimed: WaveItem<EmptyWaveBody>[] = [];
    const starting: WaveItem<EmptyWaveBody>[] = [];
    for (const item of items) {
      const { shipment } = item;
      const own = linesOf.get(item.shipmentId) ?? [];
      if (own.length === 0) continue;
      if (shipment.status !== 'pending' && shipment.status !== 'picking') continue;
      const orderStatus = orders.status(shipment.orderId);
      if (orderStatus !== 'allocated' && orderStatus !== 'picking') continue;
      if (own.some((l) => l.picked_at !== null || (l.picker_id !== null && l.picker_id !== actor.id))) continue;
      if (shipment.status === 'pending') {
        if (!(await orders.move(shipment.orderId, shipment.id, 'picking', item.occurredAt, true))) continue;
        starting.push(item);
      }
      claimed.push(item);
    }
    if (claimed.length === 0) return new Set();

    await tx.execute(sql`
      update shipment_lines sl set picker_id = ${actor.id}, pick_claimed_at = coalesce(sl.pick_claimed_at, c.at)
      from unnest(${sql.param(claimed.map((i) => i.shipmentId))}::uuid[], ${sql.param(claimed.map((i) => i.occurredAt.toISOString()))}::timestamptz[]) as c(id, at)
      where sl.shipment_id = c.id`);
    if (starting.length > 0) {
      await tx.execute(sql`
        update shipments s set status = 'picking', updated_at = c.at
        from unnest(${sql.param(starting.map((i) => i.shipmentId))}::uuid[], ${sql.param(starting.map((i) => i.occurredAt.toISOString()))}::timestamptz[]) as c(id, at)
        where s.id = c.id`);
      await orders.write(tx);
      const facts = await orderFactsOf(tx, starting.map((i) => i.shipment.orderId));
      const units = await shipmentUnitsOf(tx, starting.map((i) => i.shipmentId), 'to_pick');
      const events: NewEvent[] = starting.map((i) => pickingStartedEvent(facts.get(i.shipment.orderId)!, i.shipment, actor.id, units.get(i.shipmentId)!, i.occurredAt));
      await appendEvents(tx, events);
    }
    return new Set(claimed.map((i) => i.index));
  },
  async single(ctx, actor, shipmentId) {
    const lines = await ctx.db.execute<{ id: string }>(sql`select id from shipment_lines where shipment_id = ${shipmentId} order by id`);
    if (lines.rows.length === 0) throw new NotFoundError(`Shipment ${shipmentId}`);
    try {
      await claimPicks(ctx, actor, { shipmentLineIds: lines.rows.map((l) => l.id) });
    } catch (error) {
      // The item named the shipment, not its lines: that is where the complaint belongs.
      if (error instanceof DomainError) for (const e of error.errors) if (e.path.startsWith('shipmentLineIds')) e.path = 'shipmentId';
      throw error;
    }
    return { status: 'picking' };
  },
};

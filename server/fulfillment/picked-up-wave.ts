import { sql } from 'drizzle-orm';
import type { ZodType } from 'zod';
import { appendEvents } from '#server/outbox/append-events.ts';
import { EmptyWaveBody } from './floor-wave.schemas.ts';
import { deliveredEvent, orderFactsOf, shipmentUnitsOf } from './fulfillment-events.ts';
import { handOverPickup } from './hand-over-pickup.ts';
import type { FloorWaveStep, WaveItem } from './run-floor-wave.ts';
import { WaveOrders } from './wave-orders.ts';

/**
 * Customers collect their pickup shipments, a wave at once: each item is
 * `POST /api/fulfillment/shipments/{id}/picked-up` (hand-over-pickup.ts): picked_up, its packages
 * delivered, the order moved on and `order.delivered` at the pickup.
 */
export const pickedUpWave: FloorWaveStep<EmptyWaveBody> = {
  step: 'picked-up',
  body: EmptyWaveBody as ZodType<EmptyWaveBody>,
  after: 'picked_up',
  async applyInSet(_ctx, tx, _actor, items) {
    const ready = items.filter((i) => i.shipment.status === 'ready_for_pickup');
    if (ready.length === 0) return new Set();
    const orders = await WaveOrders.load(tx, ready.map((i) => i.shipment.orderId), true);
    const collected: WaveItem<EmptyWaveBody>[] = [];
    for (const item of ready) if (await orders.move(item.shipment.orderId, item.shipmentId, 'picked_up', item.occurredAt, true)) collected.push(item);
    if (collected.length === 0) return new Set();
    const ids = sql.param(collected.map((i) => i.shipmentId));
    const ats = sql.param(collected.map((i) => i.occurredAt.toISOString()));
    await tx.execute(sql`
      update shipments s set status = 'picked_up', delivered_at = c.at, updated_at = c.at
      from unnest(${ids}::uuid[], ${ats}::timestamptz[]) as c(id, at) where s.id = c.id`);
    await tx.execute(sql`
      update packages p set status = 'delivered', last_event_at = c.at
      from unnest(${ids}::uuid[], ${ats}::timestamptz[]) as c(id, at) where p.shipment_id = c.id`);
    await orders.write(tx);
    const facts = await orderFactsOf(tx, collected.map((i) => i.shipment.orderId));
    const units = await shipmentUnitsOf(tx, collected.map((i) => i.shipmentId), 'packed');
    await appendEvents(
      tx,
      collected.map((i) => deliveredEvent(facts.get(i.shipment.orderId)!, i.shipment, units.get(i.shipmentId)!, i.occurredAt, i.occurredAt)),
    );
    return new Set(collected.map((i) => i.index));
  },
  single: (ctx, actor, shipmentId) => handOverPickup(ctx, actor, shipmentId),
};

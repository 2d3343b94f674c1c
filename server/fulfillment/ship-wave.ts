import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import { shipmentCaptureKey } from './capture-shipment-payment.ts';
import { consumeWaveStock } from './consume-wave-stock.ts';
import { orderFactsOf, packagesOfShipments, shipmentUnitsOf, shippedEvent } from './fulfillment-events.ts';
import { packedGoodsValue } from './packed-goods-value.ts';
import type { ZodType } from 'zod';
import { EmptyWaveBody } from './floor-wave.schemas.ts';
import type { FloorWaveStep, WaveItem } from './run-floor-wave.ts';
import type { LockedShipment } from './lock-shipment.ts';
import { markReadyForPickup } from './mark-ready-for-pickup.ts';
import { shipShipment } from './ship-shipment.ts';
import { WaveOrders } from './wave-orders.ts';

type Payment = { id: string; order_id: string; provider_ref: string; authorized_cents: number; captured_cents: number; currency: string };

/**
 * Hands packed shipments over, a wave at once: to their carriers, each item
 * `POST /api/fulfillment/shipments/{id}/ship` (ship-shipment.ts), or to the store's counter, each
 * `…/ready-for-pickup` (mark-ready-for-pickup.ts); both hand-over-shipment.ts: units out of stock,
 * the order moved on, `order.shipped`, the payment share captured. A shipment a short pick left
 * short (its missing units are sourced again first), or a second one of an order from the same
 * location in the wave, goes through the single command.
 */
function handOverWave(status: 'shipped' | 'ready_for_pickup'): FloorWaveStep<EmptyWaveBody> {
  const handsOver = (s: LockedShipment) => (status === 'shipped' ? s.carrier !== null : s.deliveryMethod === 'pickup');
  return {
    step: status === 'shipped' ? 'ship' : 'ready-for-pickup',
    body: EmptyWaveBody as ZodType<EmptyWaveBody>,
    after: status,
    async applyInSet(ctx, tx, _actor, items) {
      const candidates = items.filter((i) => i.shipment.status === 'packed' && handsOver(i.shipment) && (i.shipment.orderStatus === 'picking' || i.shipment.orderStatus === 'packed'));
      if (candidates.length === 0) return new Set();
      const short = await tx.execute<{ shipment_id: string }>(sql`
        select distinct shipment_id from shipment_lines
        where shipment_id = any(${sql.param(candidates.map((i) => i.shipmentId))}::uuid[]) and packed_quantity < quantity`);
      const shortIds = new Set(short.rows.map((r) => r.shipment_id));
      const orders = await WaveOrders.load(tx, candidates.map((i) => i.shipment.orderId), true);
      const sameSource = new Set<string>();
      const leaving: WaveItem<EmptyWaveBody>[] = [];
      for (const item of candidates) {
        const { shipment } = item;
        // Two shipments of one order from one location share its allocations: the second one by one.
        const source = `${shipment.orderId}/${shipment.locationId}`;
        if (shortIds.has(shipment.id) || sameSource.has(source)) continue;
        if (!(await orders.move(shipment.orderId, shipment.id, status, item.occurredAt, true))) continue;
        sameSource.add(source);
        leaving.push(item);
      }
      if (leaving.length === 0) return new Set();

      const captures = await captureShares(ctx, tx, leaving, orders);
      const ids = leaving.map((i) => i.shipmentId);
      const ats = leaving.map((i) => i.occurredAt.toISOString());
      await tx.execute(sql`
        update shipments s set status = ${status}::shipment_status, shipped_at = c.at, updated_at = c.at, captured_cents = s.captured_cents + c.captured
        from unnest(${sql.param(ids)}::uuid[], ${sql.param(ats)}::timestamptz[], ${sql.param(captures.amounts)}::int[]) as c(id, at, captured)
        where s.id = c.id`);
      await orders.write(tx);
      if (captures.payments.length > 0) {
        await tx.execute(sql`
          update payments p set captured_cents = c.captured, status = 'captured', updated_at = c.at
          from unnest(${sql.param(captures.payments.map((p) => p.id))}::uuid[], ${sql.param(captures.payments.map((p) => p.captured))}::int[],
            ${sql.param(captures.payments.map((p) => p.at))}::timestamptz[]) as c(id, captured, at)
          where p.id = c.id`);
      }
      const facts = await orderFactsOf(tx, leaving.map((i) => i.shipment.orderId));
      const units = await shipmentUnitsOf(tx, ids, 'packed');
      const parcels = await packagesOfShipments(tx, ids);
      const events: NewEvent[] = [];
      leaving.forEach((item, k) => {
        events.push(shippedEvent(facts.get(item.shipment.orderId)!, item.shipment, parcels.get(item.shipmentId)!, units.get(item.shipmentId)!, item.occurredAt));
        const captured = captures.events[k];
        if (captured) events.push(captured);
      });
      await appendEvents(tx, events);
      // Stock last: order capture reserves the same hot rows, so they are held for the fewest statements
      // (the orders' progress was worked out in memory; the stock's move does not change it).
      await consumeWaveStock(tx, leaving.map((i) => ({ shipmentId: i.shipmentId, orderId: i.shipment.orderId, locationId: i.shipment.locationId, occurredAt: i.occurredAt })));
      return new Set(leaving.map((i) => i.index));
    },
    single: (ctx, actor, shipmentId) => (status === 'shipped' ? shipShipment(ctx, actor, shipmentId) : markReadyForPickup(ctx, actor, shipmentId)),
  };
}

export const shipWave = handOverWave('shipped');
export const readyForPickupWave = handOverWave('ready_for_pickup');

/**
 * Each leaving shipment's share of its order's card payment (capture-shipment-payment.ts), in
 * request order, an order's shares one after another as the single commands would take them;
 * the provider is asked for every capture before anything is written.
 */
async function captureShares(ctx: Pick<ServiceContext, 'payments' | 'paymentTimeoutMs'>, tx: Executor, leaving: WaveItem<EmptyWaveBody>[], orders: WaveOrders) {
  const orderIds = [...new Set(leaving.map((i) => i.shipment.orderId))];
  const ids = leaving.map((i) => i.shipmentId);
  const payments = await tx.execute<Payment>(sql`
    select p.id, p.order_id, p.provider_ref, p.authorized_cents, p.captured_cents, p.currency from payments p
    where p.id in (
      select distinct on (order_id) id from payments
      where order_id = any(${sql.param(orderIds)}::uuid[]) and method = 'card' and status in ('authorized', 'captured') and provider_ref is not null
      order by order_id, created_at)
    order by p.id for update`);
  const paymentOf = new Map(payments.rows.map((p) => [p.order_id, { ...p }]));
  // The wave's shipments first, then each one's figures by key (robust to stale statistics, as packedGoodsValue).
  const shares = await tx.execute<{ id: string; value: number; shipping: number }>(sql`
    with wave as materialized (select id, order_id, number from shipments where id = any(${sql.param(ids)}::uuid[]))
    select s.id, ${packedGoodsValue(sql`s.id`)} as value,
      (case when s.number = 1 then (select o.shipping_cents from orders o where o.id = s.order_id) else 0 end)::int as shipping
    from wave s`);
  const shareOf = new Map(shares.rows.map((r) => [r.id, r]));
  const shortUnits = await tx.execute<{ order_id: string; short_units: number }>(sql`
    select s.order_id, coalesce(sum(sl.quantity - sl.packed_quantity), 0)::int as short_units
    from shipments s join shipment_lines sl on sl.shipment_id = s.id
    where s.order_id = any(${sql.param(orderIds)}::uuid[]) and s.status <> 'cancelled' group by s.order_id`);
  const shortOf = new Map(shortUnits.rows.map((r) => [r.order_id, r.short_units]));

  // In the orders' memory the whole wave has left: the wave's shipments after this one were still packed (open) for its single command.
  const leftSoFar = new Set<string>();
  const amounts: number[] = [];
  const events: (NewEvent | null)[] = [];
  const calls: { orderId: string; ref: string; amount: number; key: string }[] = [];
  const written = new Map<string, { id: string; captured: number; at: string }>();
  for (const item of leaving) {
    const { shipment } = item;
    leftSoFar.add(shipment.id);
    const payment = paymentOf.get(shipment.orderId);
    if (!payment) {
      amounts.push(0);
      events.push(null);
      continue;
    }
    const stillPacked = leaving.filter((i) => i.shipment.orderId === shipment.orderId && !leftSoFar.has(i.shipmentId)).length;
    const othersOpen = orders.othersOpen(shipment.orderId, shipment.id) + stillPacked;
    const remaining = payment.authorized_cents - payment.captured_cents;
    const { value, shipping } = shareOf.get(shipment.id)!;
    const last = othersOpen === 0 && (shortOf.get(shipment.orderId) ?? 0) === 0 && orders.unsentUnits(shipment.orderId) === 0;
    const amount = Math.min(remaining, last ? remaining : value + shipping);
    if (amount <= 0) {
      amounts.push(0);
      events.push(null);
      continue;
    }
    calls.push({ orderId: shipment.orderId, ref: payment.provider_ref, amount, key: shipmentCaptureKey(payment.id, shipment.id) });
    payment.captured_cents += amount;
    written.set(payment.id, { id: payment.id, captured: payment.captured_cents, at: item.occurredAt.toISOString() });
    amounts.push(amount);
    events.push({
      type: EventType.paymentCaptured,
      aggregateType: 'order',
      aggregateId: shipment.orderId,
      occurredAt: item.occurredAt,
      payload: { amountCents: amount, currency: payment.currency, shipmentId: shipment.id },
    });
  }
  // An order's captures in turn, the orders side by side; any failure fails the wave (its items then go one by one, the same keys).
  const byOrder = new Map<string, typeof calls>();
  for (const c of calls) byOrder.set(c.orderId, [...(byOrder.get(c.orderId) ?? []), c]);
  await Promise.all(
    [...byOrder.values()].map(async (chain) => {
      for (const c of chain) await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.capture(c.ref, c.amount, c.key));
    }),
  );
  return { amounts, events, payments: [...written.values()] };
}

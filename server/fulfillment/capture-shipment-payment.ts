import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import { withProviderTimeout } from '#server/payments/with-timeout.ts';
import type { LockedShipment } from './lock-shipment.ts';
import { packedGoodsValue } from './packed-goods-value.ts';
import { unsentUnits } from './unreleased-units.ts';

/**
 * Captures the shipment's share of the order's card payment, in the caller's transaction (the
 * provider call too: if it fails, nothing is written and the hand-over can be retried).
 * The share is the value of the units it carries (each line's total after discount, with tax,
 * pro rata to the units packed) plus the order's shipping on shipment 1; the order's last
 * shipment takes whatever is still authorized, unless units remain to send (short-picked,
 * backordered, or allocated for a shipment not released yet).
 * Invoice payments capture nothing here (they are billed). Returns the amount and its event.
 */
export async function captureShipmentPayment(
  ctx: Pick<ServiceContext, 'payments' | 'paymentTimeoutMs'>,
  tx: Executor,
  shipment: LockedShipment,
  occurredAt: Date,
): Promise<{ capturedCents: number; event: NewEvent | null }> {
  const payment = (
    await tx.execute<{ id: string; provider_ref: string; authorized_cents: number; captured_cents: number; currency: string }>(sql`
      select id, provider_ref, authorized_cents, captured_cents, currency from payments
      where order_id = ${shipment.orderId} and method = 'card' and status in ('authorized', 'captured') and provider_ref is not null
      order by created_at limit 1 for update`)
  ).rows[0];
  if (!payment) return { capturedCents: 0, event: null };
  const remaining = payment.authorized_cents - payment.captured_cents;
  const share = await tx.execute<{ value: number; shipping: number; others_open: number; short_units: number }>(sql`
    select
      ${packedGoodsValue(sql`${shipment.id}::uuid`)} as value,
      (select case when ${shipment.number} = 1 then shipping_cents else 0 end from orders where id = ${shipment.orderId})::int as shipping,
      (select count(*) from shipments where order_id = ${shipment.orderId} and id <> ${shipment.id}
        and status in ('pending', 'picking', 'packed'))::int as others_open,
      coalesce((select sum(sl.quantity - sl.packed_quantity) from shipment_lines sl join shipments s on s.id = sl.shipment_id
        where s.order_id = ${shipment.orderId} and s.status <> 'cancelled'), 0)::int as short_units`);
  const { value, shipping, others_open: othersOpen, short_units: shortUnits } = share.rows[0]!;
  const last = othersOpen === 0 && shortUnits === 0 && (await unsentUnits(tx, shipment.orderId)) === 0;
  const amount = Math.min(remaining, last ? remaining : value + shipping);
  if (amount <= 0) return { capturedCents: 0, event: null };
  // Keyed by the shipment, which is handed over once: a retry of its hand-over after a failed commit
  // (its own, or a wave's that captured it) is the same capture, whatever was retried before it.
  const captureKey = shipmentCaptureKey(payment.id, shipment.id);
  await withProviderTimeout(ctx.paymentTimeoutMs, () => ctx.payments.capture(payment.provider_ref, amount, captureKey));
  await tx.execute(sql`
    update payments set captured_cents = captured_cents + ${amount}, status = 'captured', updated_at = ${occurredAt} where id = ${payment.id}`);
  await tx.execute(sql`update shipments set captured_cents = captured_cents + ${amount} where id = ${shipment.id}`);
  return {
    capturedCents: amount,
    event: {
      type: EventType.paymentCaptured,
      aggregateType: 'order',
      aggregateId: shipment.orderId,
      occurredAt,
      payload: { amountCents: amount, currency: payment.currency, shipmentId: shipment.id },
    },
  };
}

/**
 * The provider's idempotency key of a shipment's capture. Keyed by what had been captured before
 * (as it was), a wave that failed after capturing and was retried shipment by shipment in another
 * order shifted every key after the first and captured again what the provider already had.
 */
export function shipmentCaptureKey(paymentId: string, shipmentId: string): string {
  return `${paymentId}:shipment:${shipmentId}`;
}

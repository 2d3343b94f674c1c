import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/**
 * What `units` more returned units of a line are worth, when `alreadyUnits` of it were paid
 * back before: the line's price after its discount share, with its tax, prorated by units.
 * Counted cumulatively and rounded down, so partial returns never pay back more than the
 * line cost and the last unit brings the total to exactly what was paid.
 */
export function unitsValueCents(line: { netCents: number; quantity: number }, alreadyUnits: number, units: number): number {
  const upTo = (n: number) => Math.floor((line.netCents * n) / line.quantity);
  return upTo(alreadyUnits + units) - upTo(alreadyUnits);
}

export interface ReturnValue {
  /** The received units' value, shipping excluded. */
  goodsCents: number;
  /** The order's shipping fee not yet paid back by another RMA. */
  shippingLeftCents: number;
  units: number;
}

/** The value of what an RMA brought back (received units only), against earlier resolved RMAs of the same lines. */
export async function returnValue(tx: Executor, returnId: string, orderId: string): Promise<ReturnValue> {
  const lines = await tx.execute<{ net_cents: number; quantity: number; received: number; already: number }>(sql`
    select (ol.unit_price_cents * ol.quantity - ol.discount_cents + ol.tax_cents)::int as net_cents, ol.quantity, rl.received_quantity as received,
      coalesce((select sum(o.received_quantity) from return_lines o join returns r on r.id = o.return_id
                where o.order_line_id = ol.id and r.status = 'resolved' and r.id <> ${returnId}), 0)::int as already
    from return_lines rl join order_lines ol on ol.id = rl.order_line_id
    where rl.return_id = ${returnId}`);
  const goodsCents = lines.rows.reduce((sum, l) => sum + unitsValueCents({ netCents: l.net_cents, quantity: l.quantity }, l.already, l.received), 0);
  const units = lines.rows.reduce((sum, l) => sum + l.received, 0);
  const shipping = await tx.execute<{ left: number }>(sql`
    select (o.shipping_cents - coalesce((select sum(shipping_refunded_cents) from returns where order_id = o.id and id <> ${returnId}), 0))::int as left
    from orders o where o.id = ${orderId}`);
  return { goodsCents, shippingLeftCents: Math.max(0, shipping.rows[0]!.left), units };
}

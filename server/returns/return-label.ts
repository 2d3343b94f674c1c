import { sql } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { customerParty, locationParty } from '#server/labels/label-parties.ts';
import { renderShippingLabel } from '#server/labels/render-shipping-label.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The 4×6 PDF return label of an RMA: from the customer's shipping address back to the
 * location that delivered the order (or that already received part of it), with the carrier
 * of that delivery. Tower books no carrier return shipment, so the barcode carries the RMA
 * number: the dock scans it to find the RMA. Pickup orders come back over the counter (409).
 */
export async function returnLabel(ctx: Pick<ServiceContext, 'db' | 'clock'>, idOrNumber: string): Promise<Buffer> {
  const where = UUID.test(idOrNumber) ? sql`r.id = ${idOrNumber}` : sql`r.number = ${idOrNumber}`;
  const result = await ctx.db.execute<{
    number: string;
    status: string;
    order_number: string;
    customer_name: string;
    line1: string | null;
    line2: string | null;
    city: string | null;
    region: string | null;
    postal_code: string | null;
    country: string | null;
    location_name: string | null;
    location_code: string | null;
    location_region: string | null;
    location_country: string | null;
    carrier: string | null;
    weight_grams: number;
  }>(sql`
    select r.number, r.status, o.number as order_number, c.name as customer_name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country,
      l.name as location_name, l.code as location_code, l.region as location_region, l.country as location_country, s.carrier,
      (select coalesce(sum(p.weight_grams * rl.quantity), 0) from return_lines rl join products p on p.sku = rl.sku where rl.return_id = r.id)::int as weight_grams
    from returns r
    join orders o on o.id = r.order_id
    join customers c on c.id = o.customer_id
    left join addresses a on a.id = o.shipping_address_id
    left join lateral (
      select x.location_id, x.carrier from shipments x where x.order_id = o.id and x.status in ('delivered', 'picked_up')
      order by x.delivered_at desc nulls last limit 1
    ) s on true
    left join locations l on l.id = coalesce(r.location_id, s.location_id)
    where ${where}`);
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Return ${idOrNumber}`);
  if (row.status === 'rejected' || row.status === 'cancelled') throw new ConflictError(`Return ${row.number} is ${row.status}: it has no label`, [{ path: 'id', message: `is ${row.status}` }]);
  if (row.line1 === null || row.location_name === null) {
    throw new ConflictError('An order picked up in store is returned over the counter: it has no return label', [{ path: 'id', message: 'has no shipping address' }]);
  }
  return renderShippingLabel({
    kind: 'return',
    rmaNumber: row.number,
    carrier: { name: row.carrier ?? 'Carrier', service: 'Return' },
    trackingNumber: row.number,
    shipFrom: locationParty({ name: row.location_name, code: row.location_code!, region: row.location_region, country: row.location_country }),
    shipTo: customerParty(row.customer_name, { ...row, line1: row.line1 }),
    orderNumber: row.order_number,
    package: { number: 1, count: 1 },
    weightGrams: Math.max(1, row.weight_grams),
    shipDate: ctx.clock.now().toISOString().slice(0, 10),
  });
}

/** The customer prints the label from the tracking page: the RMA must be of that order, the email the order's (else 404). */
export async function customerReturnLabel(ctx: Pick<ServiceContext, 'db' | 'clock'>, orderNumber: string, rmaNumber: string, email: string): Promise<Buffer> {
  const result = await ctx.db.execute<{ email: string }>(sql`
    select c.email from returns r join orders o on o.id = r.order_id join customers c on c.id = o.customer_id
    where o.number = ${orderNumber} and r.number = ${rmaNumber}`);
  const owner = result.rows[0]?.email;
  if (!owner || email.length === 0 || owner !== email.trim().toLowerCase()) throw new NotFoundError(`Return ${rmaNumber} of order ${orderNumber}`);
  return returnLabel(ctx, rmaNumber);
}

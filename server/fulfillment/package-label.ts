import { sql } from 'drizzle-orm';
import type { Actor } from '#server/auth/actor.ts';
import { ConflictError, NotFoundError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { customerParty, locationParty } from '#server/labels/label-parties.ts';
import { renderShippingLabel } from '#server/labels/render-shipping-label.ts';
import { requireShipmentLocation } from './lock-shipment.ts';

/**
 * The 4×6 PDF label of one package (server/labels renders it). The sender is the location (it
 * has no street address in Tower yet: its name, code and region print instead). Pickup bags
 * have no carrier and no label (409).
 */
export async function packageLabel(ctx: Pick<ServiceContext, 'db' | 'clock'>, actor: Actor | null, packageId: string): Promise<Buffer> {
  const result = await ctx.db.execute<{
    tracking_number: string;
    number: number;
    count: number;
    weight_grams: number;
    carrier: string | null;
    service: string;
    shipped_at: Date | string | null;
    location_id: string;
    location_name: string;
    location_code: string;
    location_region: string;
    location_country: string;
    order_number: string;
    customer_name: string;
    line1: string | null;
    line2: string | null;
    city: string | null;
    region: string | null;
    postal_code: string | null;
    country: string | null;
  }>(sql`
    select p.tracking_number, p.number, (select count(*) from packages x where x.shipment_id = p.shipment_id)::int as count, p.weight_grams,
      s.carrier, s.service, s.shipped_at, l.id as location_id, l.name as location_name, l.code as location_code, l.region as location_region,
      l.country as location_country, o.number as order_number, c.name as customer_name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country
    from packages p
    join shipments s on s.id = p.shipment_id
    join locations l on l.id = s.location_id
    join orders o on o.id = s.order_id
    join customers c on c.id = o.customer_id
    left join addresses a on a.id = o.shipping_address_id
    where p.id = ${packageId}`);
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Package ${packageId}`);
  requireShipmentLocation(actor, row.location_id);
  if (row.carrier === null || row.line1 === null) throw new ConflictError('A pickup package has no carrier label', [{ path: 'id', message: 'is a pickup package' }]);
  return renderShippingLabel({
    kind: 'outbound',
    carrier: { name: row.carrier, service: row.service },
    trackingNumber: row.tracking_number,
    shipFrom: locationParty({ name: row.location_name, code: row.location_code, region: row.location_region, country: row.location_country }),
    shipTo: customerParty(row.customer_name, { ...row, line1: row.line1 }),
    orderNumber: row.order_number,
    package: { number: row.number, count: row.count },
    weightGrams: row.weight_grams,
    shipDate: (row.shipped_at ? new Date(row.shipped_at) : ctx.clock.now()).toISOString().slice(0, 10),
  });
}

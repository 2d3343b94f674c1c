import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { ShipmentRoute } from './carrier-rules.ts';

/** Where a shipment goes from and to, for its label price (see carrier-rules.ts). */
export async function loadShipmentRoute(tx: Executor, shipmentId: string): Promise<ShipmentRoute> {
  const result = await tx.execute<{
    method: ShipmentRoute['method'];
    service: ShipmentRoute['service'];
    placed_at: Date | string;
    kind: ShipmentRoute['location']['kind'];
    location_lat: number;
    location_lon: number;
    lat: number | null;
    lon: number | null;
  }>(sql`
    select o.delivery_method as method, s.service, o.placed_at, l.kind, l.lat as location_lat, l.lon as location_lon, a.lat, a.lon
    from shipments s join orders o on o.id = s.order_id join locations l on l.id = s.location_id
    left join addresses a on a.id = o.shipping_address_id
    where s.id = ${shipmentId}`);
  const r = result.rows[0]!;
  return {
    method: r.method,
    service: r.service,
    placedAt: new Date(r.placed_at),
    location: { kind: r.kind, lat: r.location_lat, lon: r.location_lon },
    destination: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
  };
}

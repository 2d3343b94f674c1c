import { sql } from 'drizzle-orm';
import { addressOf } from '#server/orders/address-of.ts';
import type { Executor } from '#db/client.ts';
import type { ShipmentRoute } from './carrier-rules.ts';

/** Where a shipment goes from and to, for its label price (see carrier-rules.ts). */
export async function loadShipmentRoute(tx: Executor, shipmentId: string): Promise<ShipmentRoute> {
  return (await loadShipmentRoutes(tx, [shipmentId])).get(shipmentId)!;
}

/** The routes of many shipments in one statement, by shipment id. */
export async function loadShipmentRoutes(tx: Executor, shipmentIds: readonly string[]): Promise<Map<string, ShipmentRoute>> {
  if (shipmentIds.length === 0) return new Map();
  const result = await tx.execute<{
    id: string;
    method: ShipmentRoute['method'];
    service: ShipmentRoute['service'];
    placed_at: Date | string;
    kind: ShipmentRoute['location']['kind'];
    location_lat: number;
    location_lon: number;
    lat: number | null;
    lon: number | null;
  }>(sql`
    select s.id, o.delivery_method as method, s.service, o.placed_at, l.kind, l.lat as location_lat, l.lon as location_lon, a.lat, a.lon
    from shipments s join orders o on o.id = s.order_id join locations l on l.id = s.location_id
    left join lateral (${addressOf(sql`o`)}) a on true
    where s.id = any(${sql.param([...shipmentIds])}::uuid[])`);
  return new Map(
    result.rows.map((r) => [
      r.id,
      {
        method: r.method,
        service: r.service,
        placedAt: new Date(r.placed_at),
        location: { kind: r.kind, lat: r.location_lat, lon: r.location_lon },
        destination: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
      },
    ]),
  );
}

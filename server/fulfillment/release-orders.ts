import { sql } from 'drizzle-orm';
import { shipmentLines, shipments } from '#db/schema/fulfillment.ts';
import type { ServiceContext } from '#server/context.ts';
import { chooseCarrier, type DeliveryService, type ShipmentRoute } from './carrier-rules.ts';
import { hasUnreleasedAllocations, unreleasedAllocations } from './unreleased-units.ts';

export interface ReleaseResult {
  orders: number;
  shipments: number;
  /** The new shipments' ids. */
  shipmentIds: string[];
}

type OpenAllocation = {
  order_id: string;
  order_line_id: string;
  location_id: string;
  sku: string;
  quantity: number;
  weight_grams: number;
  volume_mm3: number;
};

/** Order statuses whose allocations go to the floor: a backordered order waits until it is whole, a held one for a person. */
const RELEASABLE = sql`('allocated', 'picking')`;

/**
 * Releases to the floor the allocations of orders that no shipment is working on yet: an
 * allocated order never released, and one being fulfilled whose backorder was filled since.
 * One new shipment per location those units are at, numbered after the order's last shipment
 * by units (most first, then location id), with one shipment line per order line × location;
 * carrier and promise by chooseCarrier. Several instances may run this at once: each takes the
 * orders no one else has locked (SKIP LOCKED) and looks again at the allocations once it holds
 * the lock; the unique (order_id, number) is the last word.
 */
export async function releaseOrders(ctx: Pick<ServiceContext, 'db' | 'clock' | 'sourcingPolicy'>, input: { limit: number }): Promise<ReleaseResult> {
  // A release dated in the past (x-tower-as-of) sees only the orders placed by then.
  const releasedAt = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const candidates = await tx.execute<{
      id: string;
      placed_at: Date | string;
      delivery_method: 'ship' | 'pickup';
      delivery_service: DeliveryService;
      lat: number | null;
      lon: number | null;
    }>(sql`
      select o.id, o.placed_at, o.delivery_method, o.delivery_service, a.lat, a.lon from orders o
      left join addresses a on a.id = o.shipping_address_id
      where o.status in ${RELEASABLE} and o.placed_at <= ${releasedAt} and ${hasUnreleasedAllocations(sql`o.id`)}
      order by o.placed_at, o.id
      limit ${input.limit}
      for update of o skip locked`);
    if (candidates.rows.length === 0) return { orders: 0, shipments: 0, shipmentIds: [] };
    const ids = candidates.rows.map((r) => r.id);
    // A statement after the lock sees what another instance committed before we got it.
    const allocations = await unreleasedAllocations(tx, ids);
    const products = await tx.execute<{ sku: string; weight_grams: number | null; volume_mm3: number | null }>(sql`
      select sku, weight_grams, (length_mm::bigint * width_mm * height_mm)::float8 as volume_mm3
      from products where sku = any(${sql.param([...new Set(allocations.map((a) => a.sku))])}::text[])`);
    const productOf = new Map(products.rows.map((p) => [p.sku, p]));
    const open: OpenAllocation[] = allocations.map((a) => {
      const product = productOf.get(a.sku);
      return { ...a, weight_grams: a.quantity * (product?.weight_grams ?? 0), volume_mm3: a.quantity * (product?.volume_mm3 ?? 0) };
    });
    const locationIds = [...new Set(open.map((a) => a.location_id))];
    const costs = await tx.execute<{ id: string; pick_cost_cents: number; pack_cost_cents: number; kind: ShipmentRoute['location']['kind']; lat: number; lon: number }>(
      sql`select id, pick_cost_cents, pack_cost_cents, kind, lat, lon from locations where id = any(${sql.param(locationIds)}::uuid[])`,
    );
    const costOf = new Map(costs.rows.map((l) => [l.id, l]));
    // New shipments number on after the order's others, cancelled ones included.
    const last = await tx.execute<{ order_id: string; number: number }>(
      sql`select order_id, max(number)::int as number from shipments where order_id = any(${sql.param(ids)}::uuid[]) group by order_id`,
    );
    const lastNumber = new Map(last.rows.map((r) => [r.order_id, r.number]));

    const newShipments: (typeof shipments.$inferInsert)[] = [];
    const linesByShipment: { orderId: string; locationId: string; lines: OpenAllocation[] }[] = [];
    let released = 0;
    for (const order of candidates.rows) {
      const byLocation = new Map<string, OpenAllocation[]>();
      for (const a of open.filter((r) => r.order_id === order.id)) byLocation.set(a.location_id, [...(byLocation.get(a.location_id) ?? []), a]);
      if (byLocation.size === 0) continue;
      released += 1;
      const units = (lines: OpenAllocation[]) => lines.reduce((sum, l) => sum + l.quantity, 0);
      const ordered = [...byLocation.entries()].sort(([a, la], [b, lb]) => units(lb) - units(la) || (a < b ? -1 : 1));
      const placedAt = new Date(order.placed_at);
      ordered.forEach(([locationId, lines], i) => {
        const cost = costOf.get(locationId)!;
        const route: ShipmentRoute = {
          method: order.delivery_method,
          service: order.delivery_service,
          placedAt,
          location: { kind: cost.kind, lat: cost.lat, lon: cost.lon },
          destination: order.lat !== null && order.lon !== null ? { lat: order.lat, lon: order.lon } : null,
        };
        const weight = lines.reduce((sum, l) => sum + l.weight_grams, 0);
        const volume = lines.reduce((sum, l) => sum + Number(l.volume_mm3), 0);
        const { carrier, promisedAt } = chooseCarrier(route, weight, volume, ctx.sourcingPolicy);
        newShipments.push({
          orderId: order.id,
          number: (lastNumber.get(order.id) ?? 0) + i + 1,
          locationId,
          carrier,
          service: order.delivery_service,
          promisedAt,
          // Picking is paid per unit, packing per shipment (the locations' cost columns).
          pickPackCostCents: cost.pick_cost_cents * units(lines) + cost.pack_cost_cents,
          createdAt: releasedAt,
          updatedAt: releasedAt,
        });
        linesByShipment.push({ orderId: order.id, locationId, lines });
      });
    }
    if (newShipments.length === 0) return { orders: 0, shipments: 0, shipmentIds: [] };
    const inserted = await tx
      .insert(shipments)
      .values(newShipments)
      .returning({ id: shipments.id, orderId: shipments.orderId, locationId: shipments.locationId });
    const idOf = new Map(inserted.map((s) => [`${s.orderId}/${s.locationId}`, s.id]));
    await tx.insert(shipmentLines).values(
      linesByShipment.flatMap(({ orderId, locationId, lines }) =>
        lines.map((l) => ({ shipmentId: idOf.get(`${orderId}/${locationId}`)!, orderLineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
      ),
    );
    return { orders: released, shipments: inserted.length, shipmentIds: inserted.map((s) => s.id) };
  });
}

import { sql } from 'drizzle-orm';
import { addressOf } from '#server/orders/address-of.ts';
import type { shipments } from '#db/schema/fulfillment.ts';
import { executePrepared } from '#db/prepared-query.ts';
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
      left join lateral (${addressOf(sql`o`)}) a on true
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
    // One fixed statement prepared once per connection (drizzle's two multi-row inserts had a text per row count).
    const shipmentRows = newShipments.map((s) => ({
      o: s.orderId,
      n: s.number,
      l: s.locationId,
      c: s.carrier ?? null,
      v: s.service,
      p: s.promisedAt ?? null,
      x: s.pickPackCostCents,
      a: s.createdAt,
    }));
    const lineRows = linesByShipment.flatMap(({ orderId, locationId, lines }) => lines.map((l) => ({ o: orderId, l: locationId, ol: l.order_line_id, s: l.sku, q: l.quantity })));
    const written = await executePrepared<{ id: string; order_id: string; location_id: string }>(tx, 'release-shipments', sql`
      with s as (
        insert into shipments (order_id, number, location_id, carrier, service, promised_at, pick_pack_cost_cents, created_at, updated_at)
        select r.o, r.n, r.l, r.c, r.v, r.p, r.x, r.a, r.a
        from rows from (jsonb_to_recordset(${JSON.stringify(shipmentRows)}::jsonb)
          as (o uuid, n int, l uuid, c text, v delivery_service, p timestamptz, x int, a timestamptz)) with ordinality as r(o, n, l, c, v, p, x, a, k)
        order by r.k
        returning id, order_id, location_id
      ), lines as (
        insert into shipment_lines (shipment_id, order_line_id, sku, quantity)
        select s.id, r.ol, r.s, r.q
        from rows from (jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as (o uuid, l uuid, ol uuid, s text, q int)) with ordinality as r(o, l, ol, s, q, k)
          join s on s.order_id = r.o and s.location_id = r.l
        order by r.k
      )
      select id, order_id, location_id from s`);
    const idOf = new Map(written.rows.map((s) => [`${s.order_id}/${s.location_id}`, s.id]));
    const inserted = newShipments.map((s) => ({ id: idOf.get(`${s.orderId}/${s.locationId}`)! }));
    return { orders: released, shipments: inserted.length, shipmentIds: inserted.map((s) => s.id) };
  });
}

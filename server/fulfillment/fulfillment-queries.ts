import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { PickList, Shipment, ShipmentQuery } from './fulfillment.schemas.ts';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

type ShipmentRow = {
  id: string;
  order_id: string;
  order_number: string;
  number: number;
  location_id: string;
  status: Shipment['status'];
  carrier: string | null;
  service: Shipment['service'];
  promised_at: string | null;
  currency: string;
  pick_pack_cost_cents: number;
  packaging_cost_cents: number;
  label_cost_cents: number;
  captured_cents: number;
  shipped_at: string | null;
  delivered_at: string | null;
  lines: { id: string; sku: string; quantity: number; picked_quantity: number; packed_quantity: number; picker_id: string | null; pick_claimed_at: string | null; picked_at: string | null }[];
  packages:
    | {
        id: string;
        number: number;
        packaging_code: string;
        weight_grams: number;
        tracking_number: string;
        status: Shipment['packages'][number]['status'];
        label_cost_cents: number;
        last_event_at: string | null;
        contents: { sku: string; quantity: number }[];
      }[]
    | null;
};

/**
 * Shipments with their lines and packages, by a condition on `s`. A `selective` condition (by id,
 * by order) picks its few shipments first, in a CTE of their own, and sorts only those: left to
 * the planner with the order and the limit, a table without fresh statistics (the first minute of
 * a backfill, autovacuum not round yet) was walked along its created_at index, thousands of rows
 * filtered for a handful, 7–30 ms a call instead of well under one.
 */
async function selectShipments(db: Executor, where: ReturnType<typeof sql>, limit = 500, selective = false): Promise<Shipment[]> {
  const source = selective ? sql`(select * from picked)` : sql`shipments`;
  const result = await db.execute<ShipmentRow>(sql`
    ${selective ? sql`with picked as materialized (select * from shipments s where ${where})` : sql``}
    select s.id, s.order_id, o.number as order_number, s.number, s.location_id, s.status, s.carrier, s.service, s.promised_at,
      o.currency, s.pick_pack_cost_cents, s.packaging_cost_cents, s.label_cost_cents, s.captured_cents, s.shipped_at, s.delivered_at,
      (select coalesce(json_agg(json_build_object('id', sl.id, 'sku', sl.sku, 'quantity', sl.quantity, 'picked_quantity', sl.picked_quantity,
          'packed_quantity', sl.packed_quantity, 'picker_id', sl.picker_id, 'pick_claimed_at', sl.pick_claimed_at, 'picked_at', sl.picked_at) order by sl.sku, sl.id), '[]')
        from shipment_lines sl where sl.shipment_id = s.id) as lines,
      (select json_agg(json_build_object('id', p.id, 'number', p.number, 'packaging_code', p.packaging_code, 'weight_grams', p.weight_grams,
          'tracking_number', p.tracking_number, 'status', p.status, 'label_cost_cents', p.label_cost_cents, 'last_event_at', p.last_event_at,
          -- Each content's SKU by its line's key (a subplan, never a join the planner could hash
          -- over every shipment line when the table has no statistics yet, as in a backfill's first minute).
          'contents', (select coalesce(json_agg(c order by c.sku), '[]')
                       from (select (select sl.sku from shipment_lines sl where sl.id = pc.shipment_line_id) as sku, pc.quantity
                             from package_contents pc where pc.package_id = p.id) c)) order by p.number)
        from packages p where p.shipment_id = s.id) as packages
    from ${source} s join orders o on o.id = s.order_id
    ${selective ? sql`` : sql`where ${where}`}
    order by s.created_at, s.order_id, s.number
    limit ${limit}`);
  return result.rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.order_number,
    number: r.number,
    locationId: r.location_id,
    status: r.status,
    carrier: r.carrier,
    service: r.service,
    promisedAt: iso(r.promised_at),
    currency: r.currency,
    pickPackCostCents: r.pick_pack_cost_cents,
    packagingCostCents: r.packaging_cost_cents,
    labelCostCents: r.label_cost_cents,
    capturedCents: r.captured_cents,
    shippedAt: iso(r.shipped_at),
    deliveredAt: iso(r.delivered_at),
    lines: r.lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      quantity: l.quantity,
      pickedQuantity: l.picked_quantity,
      packedQuantity: l.packed_quantity,
      pickerId: l.picker_id,
      pickClaimedAt: iso(l.pick_claimed_at),
      pickedAt: iso(l.picked_at),
    })),
    packages: (r.packages ?? []).map((p) => ({
      id: p.id,
      number: p.number,
      packagingCode: p.packaging_code,
      weightGrams: p.weight_grams,
      trackingNumber: p.tracking_number,
      status: p.status,
      labelCostCents: p.label_cost_cents,
      lastEventAt: iso(p.last_event_at),
      contents: p.contents,
    })),
  }));
}

export async function findShipment(db: Executor, id: string): Promise<Shipment | null> {
  return (await selectShipments(db, sql`s.id = ${id}`, 1, true))[0] ?? null;
}

/** Shipments by id (those that exist), oldest first. */
export async function findShipments(db: Executor, ids: readonly string[]): Promise<Shipment[]> {
  if (ids.length === 0) return [];
  return selectShipments(db, sql`s.id = any(${sql.param([...ids])}::uuid[])`, ids.length, true);
}

/** An order's shipments, or a location's (oldest first), optionally in one status. */
export async function searchShipments(db: Executor, query: ShipmentQuery): Promise<Shipment[]> {
  const conditions = [
    ...(query.orderId ? [sql`s.order_id = ${query.orderId}`] : []),
    ...(query.locationId ? [sql`s.location_id = ${query.locationId}`] : []),
    ...(query.status ? [sql`s.status = ${query.status}`] : []),
  ];
  return selectShipments(db, sql.join(conditions, sql` and `), query.limit, Boolean(query.orderId));
}

/**
 * What is left to pick at a location: the lines not yet picked of its shipments that are pending or
 * being picked, batched across orders by SKU, in the order a picker walks the floor: by bin (as
 * text, so zero-padded codes sort right), SKUs without a bin last by SKU; within a SKU the oldest
 * order comes first.
 */
export async function pickListOf(db: Executor, locationId: string): Promise<PickList> {
  const result = await db.execute<{
    shipment_line_id: string;
    shipment_id: string;
    order_id: string;
    order_number: string;
    sku: string;
    name: string;
    bin: string | null;
    quantity: number;
    picked_quantity: number;
    picker_id: string | null;
  }>(sql`
    select sl.id as shipment_line_id, s.id as shipment_id, s.order_id, o.number as order_number, sl.sku, coalesce(p.name, sl.sku) as name,
      lv.bin, sl.quantity, sl.picked_quantity, sl.picker_id
    from shipments s
    join shipment_lines sl on sl.shipment_id = s.id
    join orders o on o.id = s.order_id
    left join products p on p.sku = sl.sku
    left join inventory_levels lv on lv.sku = sl.sku and lv.location_id = s.location_id
    where s.location_id = ${locationId} and s.status in ('pending', 'picking') and sl.picked_at is null
      and o.status in ('allocated', 'picking')
    order by lv.bin nulls last, sl.sku, o.placed_at, o.id, s.number, sl.id`);
  const items: PickList['items'] = [];
  for (const r of result.rows) {
    let item = items.at(-1);
    if (item?.sku !== r.sku) {
      item = { sku: r.sku, name: r.name, bin: r.bin, openUnits: 0, lines: [] };
      items.push(item);
    }
    item.openUnits += r.quantity;
    item.lines.push({
      shipmentLineId: r.shipment_line_id,
      shipmentId: r.shipment_id,
      orderId: r.order_id,
      orderNumber: r.order_number,
      sku: r.sku,
      name: r.name,
      quantity: r.quantity,
      pickedQuantity: r.picked_quantity,
      pickerId: r.picker_id,
    });
  }
  return { locationId, items };
}

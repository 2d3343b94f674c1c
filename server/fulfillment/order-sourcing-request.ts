import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { ConflictError } from '#server/core/errors.ts';
import { lockStock } from '#server/inventory/reserve-stock.ts';
import { countShipmentsToday, sourcingLocations } from '#server/orders/source-order.ts';
import type { AvailableToPromise, SourcingDecision, SourcingRequest } from '#server/sourcing/sourcing.types.ts';

export interface OrderLineForSourcing {
  id: string;
  lineIndex: number;
  sku: string;
  quantity: number;
  backorderedQuantity: number;
}

export interface OrderSourcingState {
  request: SourcingRequest;
  prior: SourcingDecision;
  /** The stored decision as JSON, with the history of the decisions before it. */
  stored: Record<string, unknown>;
  lines: OrderLineForSourcing[];
  deliveryService: 'standard' | 'express';
  /** What the locations hold free now, from the same locked rows (without this order's units). */
  free: AvailableToPromise[];
}

/**
 * Rebuilds the request an order's first sourcing decision was made from, under lock: its
 * lines, destination and service, every location holding its SKUs and their stock rows locked
 * in (sku, location) order, availability as free units plus this order's own open
 * reservations and shipped units (the snapshot "before this order reserved anything"), and the
 * stored decision.
 * The caller has locked the order (and its shipments) first. `shipmentsToday` spares a caller
 * sourcing many orders in a row from counting today's shipments for each.
 */
export async function loadOrderSourcingState(tx: Executor, orderId: string, at: Date, shipmentsToday?: ReadonlyMap<string, number>): Promise<OrderSourcingState> {
  const stored = await tx.execute<{ decision: Record<string, unknown> }>(sql`select decision from order_sourcing_decisions where order_id = ${orderId}`);
  const json = stored.rows[0]?.decision;
  if (!json) throw new ConflictError(`Order ${orderId} has no sourcing decision to re-source (it was placed without coordinates)`);

  const order = await tx.execute<{ delivery_method: 'ship' | 'pickup'; delivery_service: 'standard' | 'express'; pickup_location_id: string | null; lat: number | null; lon: number | null }>(sql`
    select o.delivery_method, o.delivery_service, o.pickup_location_id, a.lat, a.lon
    from orders o left join addresses a on a.id = o.shipping_address_id where o.id = ${orderId}`);
  const o = order.rows[0]!;
  const lineRows = await tx.execute<{
    id: string; sku: string; quantity: number; backordered_quantity: number; unit_price_cents: number;
    weight_grams: number | null; length_mm: number | null; width_mm: number | null; height_mm: number | null; dropship_vendor_id: string | null;
  }>(sql`
    select l.id, l.sku, l.quantity, l.backordered_quantity, l.unit_price_cents, p.weight_grams, p.length_mm, p.width_mm, p.height_mm, p.dropship_vendor_id
    from order_lines l left join products p on p.sku = l.sku where l.order_id = ${orderId} order by l.line_no`);
  const lines = lineRows.rows.map((l, lineIndex) => ({ id: l.id, lineIndex, sku: l.sku, quantity: l.quantity, backorderedQuantity: l.backordered_quantity }));

  const stock = await lockStock(tx, lines.map((l) => l.sku), null);
  // This order's units, reserved or already gone out in its shipments, were part of the snapshot.
  const own = await tx.execute<{ sku: string; location_id: string; quantity: number }>(sql`
    select sku, location_id, sum(quantity)::int as quantity from (
      select sku, location_id, quantity from order_allocations where order_id = ${orderId} and released_at is null
      union all
      select sl.sku, s.location_id, sl.packed_quantity from shipment_lines sl join shipments s on s.id = sl.shipment_id
      where s.order_id = ${orderId} and s.status in ('shipped', 'delivered', 'exception', 'returned_to_sender', 'ready_for_pickup', 'picked_up')
    ) own group by sku, location_id`);
  const ownAt = new Map(own.rows.map((r) => [`${r.location_id}/${r.sku}`, r.quantity]));
  const today = shipmentsToday ?? (await countShipmentsToday(tx, at));

  const { history: _history, ...decision } = json as Record<string, unknown> & { shortByLine?: Record<string, number> };
  const prior = {
    ...(decision as unknown as SourcingDecision),
    shortByLine: new Map(Object.entries(decision.shortByLine ?? {}).map(([k, v]) => [Number(k), v])),
    adjustments: (decision.adjustments as SourcingDecision['adjustments'] | undefined) ?? [],
    exclusions: (decision.exclusions as SourcingDecision['exclusions'] | undefined) ?? [],
  };
  // Damage already written off the books is replayed by the engine from the decision: add it back.
  const writtenOff = new Map<string, number>();
  for (const a of prior.adjustments) if (a.kind === 'reduce') writtenOff.set(`${a.locationId}/${a.sku}`, (writtenOff.get(`${a.locationId}/${a.sku}`) ?? 0) + a.units);

  const request: SourcingRequest = {
    lines: lineRows.rows.map((l, lineIndex) => ({
      lineIndex,
      sku: l.sku,
      quantity: l.quantity,
      unitWeightGrams: l.weight_grams ?? 0,
      unitPriceCents: l.unit_price_cents,
      dimensionsMm: l.length_mm !== null && l.width_mm !== null && l.height_mm !== null ? { lengthMm: l.length_mm, widthMm: l.width_mm, heightMm: l.height_mm } : null,
      dropShipVendorId: l.dropship_vendor_id,
    })),
    fulfilment:
      o.delivery_method === 'pickup' && o.pickup_location_id
        ? { method: 'pickup', storeId: o.pickup_location_id }
        : { method: 'ship', destination: { lat: o.lat ?? 0, lon: o.lon ?? 0 } },
    service: o.delivery_service,
    placedAt: at,
    // Same candidates and eligibility as order capture.
    locations: sourcingLocations(stock, today),
    availability: stock.map((s) => ({ sku: s.sku, locationId: s.locationId, available: s.available + (ownAt.get(`${s.locationId}/${s.sku}`) ?? 0) + (writtenOff.get(`${s.locationId}/${s.sku}`) ?? 0) })),
  };
  const free = stock.map((s) => ({ sku: s.sku, locationId: s.locationId, available: s.available }));
  return { request, prior, stored: json, lines, deliveryService: o.delivery_service, free };
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { inventoryLedger } from '#db/schema/inventory.ts';
import { orderAllocations } from '#db/schema/orders.ts';
import { planAllocations, type AllocationPlan, type Destination, type LineDemand } from './allocation-plan.ts';

export interface ReservationRequest {
  orderId: string;
  lines: LineDemand[];
  destination: Destination | null;
  /** For in-store pickup, only this location may supply. */
  onlyLocationId: string | null;
  occurredAt: Date;
}

/**
 * Reserves stock for order lines inside the caller's transaction. The inventory rows are
 * locked (in a fixed order, so concurrent orders cannot deadlock) before availability is
 * read, which is what makes overselling impossible. The caller records the allocations
 * with `insertAllocations` once the order lines exist.
 */
export async function reserveStock(tx: Executor, request: ReservationRequest): Promise<AllocationPlan> {
  const skus = [...new Set(request.lines.map((l) => l.sku))];
  const locked = await tx.execute<{ sku: string; location_id: string; available: number; lat: number; lon: number }>(sql`
    select l.sku, l.location_id, greatest(l.on_hand - l.reserved - l.safety_stock, 0) as available, loc.lat, loc.lon
    from inventory_levels l
    join locations loc on loc.id = l.location_id
    where l.sku = any(${sql.param(skus)}::text[])
      and loc.active
      and (${request.onlyLocationId}::uuid is null or loc.id = ${request.onlyLocationId}::uuid)
    order by l.sku, l.location_id
    for update of l`);

  const plan = planAllocations(
    request.lines,
    locked.rows.map((r) => ({ sku: r.sku, locationId: r.location_id, available: r.available, lat: r.lat, lon: r.lon })),
    request.destination,
  );
  if (plan.allocations.length === 0) return plan;

  await tx.execute(sql`
    update inventory_levels l
    set reserved = l.reserved + v.quantity, updated_at = now()
    from unnest(${sql.param(plan.allocations.map((a) => a.sku))}::text[],
                ${sql.param(plan.allocations.map((a) => a.locationId))}::uuid[],
                ${sql.param(plan.allocations.map((a) => a.quantity))}::int[]) as v(sku, location_id, quantity)
    where l.sku = v.sku and l.location_id = v.location_id`);

  await tx.insert(inventoryLedger).values(
    plan.allocations.map((a) => ({
      sku: a.sku,
      locationId: a.locationId,
      reservedDelta: a.quantity,
      reason: 'reservation' as const,
      orderId: request.orderId,
      occurredAt: request.occurredAt,
    })),
  );
  return plan;
}

/** Records which location holds each line's reserved units; `lineIds[lineIndex]` is the line's id. */
export async function insertAllocations(tx: Executor, orderId: string, lineIds: readonly string[], plan: AllocationPlan): Promise<void> {
  if (plan.allocations.length === 0) return;
  await tx.insert(orderAllocations).values(
    plan.allocations.map((a) => {
      const orderLineId = lineIds[a.lineIndex];
      if (!orderLineId) throw new Error(`allocation for unknown line ${a.lineIndex}`);
      return { orderId, orderLineId, sku: a.sku, locationId: a.locationId, quantity: a.quantity };
    }),
  );
}

import { executePrepared } from '#db/prepared-query.ts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { planAllocations, type AllocationPlan, type Destination, type LineDemand } from './allocation-plan.ts';

export interface ReservationRequest {
  lines: LineDemand[];
  destination: Destination | null;
  /** For in-store pickup, only this location may supply. */
  onlyLocationId: string | null;
}

/**
 * Locks the inventory rows of the requested SKUs for the rest of the caller's transaction
 * (in a fixed order, so concurrent orders cannot deadlock) and plans where each line's units
 * come from. Reading availability only under the lock is what makes overselling impossible;
 * the plan is then written with `reservationStatements` in the same transaction.
 */
export async function lockAndPlanReservation(tx: Executor, request: ReservationRequest): Promise<AllocationPlan> {
  const skus = [...new Set(request.lines.map((l) => l.sku))];
  const locked = await executePrepared<{ sku: string; location_id: string; available: number; lat: number; lon: number }>(tx, 'lock-inventory-for-order', sql`
    select l.sku, l.location_id, greatest(l.on_hand - l.reserved - l.safety_stock, 0) as available, loc.lat, loc.lon
    from inventory_levels l
    join locations loc on loc.id = l.location_id
    where l.sku = any(${sql.param(skus)}::text[])
      and loc.active
      and (${request.onlyLocationId}::uuid is null or loc.id = ${request.onlyLocationId}::uuid)
    order by l.sku, l.location_id
    for update of l`);
  return planAllocations(
    request.lines,
    locked.rows.map((r) => ({ sku: r.sku, locationId: r.location_id, available: r.available, lat: r.lat, lon: r.lon })),
    request.destination,
  );
}

/**
 * The writes of a planned reservation as CTEs, so a command can put them in the same single
 * statement as its other writes: reserved stock goes up, the allocations are recorded against
 * their lines (`lineIds[lineIndex]`) and the ledger says why.
 */
export function reservationStatements(orderId: string, lineIds: readonly string[], plan: AllocationPlan, occurredAt: Date): SQL {
  const rows = plan.allocations.map((a) => {
    const lineId = lineIds[a.lineIndex];
    if (!lineId) throw new Error(`allocation for unknown line ${a.lineIndex}`);
    return { line_id: lineId, sku: a.sku, location_id: a.locationId, quantity: a.quantity };
  });
  return sql`
    reservation as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(line_id uuid, sku text, location_id uuid, quantity int)
    ), reserved_levels as (
      update inventory_levels l set reserved = l.reserved + r.quantity, updated_at = now()
      from reservation r where l.sku = r.sku and l.location_id = r.location_id
      returning 1
    ), reserved_allocations as (
      insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
      select ${orderId}::uuid, r.line_id, r.sku, r.location_id, r.quantity, ${occurredAt.toISOString()}::timestamptz from reservation r
      returning 1
    ), reserved_ledger as (
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, occurred_at)
      select r.sku, r.location_id, r.quantity, 'reservation', ${orderId}::uuid, ${occurredAt.toISOString()}::timestamptz from reservation r
      returning 1
    )`;
}

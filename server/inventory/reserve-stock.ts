import { executePrepared } from '#db/prepared-query.ts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { pgErrorCode } from '#db/errors.ts';
import { planAllocations, type AllocationPlan, type Destination, type LineDemand, type StockAtLocation } from './allocation-plan.ts';

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
  return planReservation(
    request,
    locked.rows.map((r) => ({ sku: r.sku, locationId: r.location_id, available: r.available, lat: r.lat, lon: r.lon })),
  );
}

/**
 * Plans a reservation from stock read without a lock. The plan is only a proposal: the
 * writes of `reservationStatements` take units only where they are still there, and
 * `requirePlannedReservation` fails the whole statement when any were gone.
 */
export function planReservation(request: ReservationRequest, stock: StockAtLocation[]): AllocationPlan {
  const usable = request.onlyLocationId === null ? stock : stock.filter((s) => s.locationId === request.onlyLocationId);
  return planAllocations(request.lines, usable, request.destination);
}

/** SQLSTATE raised by `require_planned_reservation` (migration 0002). */
const STOCK_MOVED = 'TW001';

/** True when a planned reservation failed because another order took the units first. */
export function isStockMoved(error: unknown): boolean {
  return pgErrorCode(error) === STOCK_MOVED;
}

/**
 * The writes of a planned reservation as CTEs, so a command can put them in the same single
 * statement as its other writes: reserved stock goes up, the allocations are recorded against
 * their lines (`lineIds[lineIndex]`) and the ledger says why. `gate` names a CTE that must
 * have returned a row for anything to be written (e.g. a claimed idempotency key).
 *
 * A level is raised only while it still has the units (checked again on the latest row
 * version when a concurrent order updated it first), so a plan made from an unlocked read
 * can never oversell: the statement must then end with `requirePlannedReservation`.
 * Within one statement the levels are updated in (sku, location) order, like the locking
 * read, which keeps concurrent orders from deadlocking in the usual nested-loop plan.
 */
export function reservationStatements(orderId: string, lineIds: readonly string[], plan: AllocationPlan, occurredAt: Date, gate?: SQL): SQL {
  const rows = plan.allocations.map((a) => {
    const lineId = lineIds[a.lineIndex];
    if (!lineId) throw new Error(`allocation for unknown line ${a.lineIndex}`);
    return { line_id: lineId, sku: a.sku, location_id: a.locationId, quantity: a.quantity };
  });
  const onlyIfGate = gate ? sql`where exists (select 1 from ${gate})` : sql``;
  return sql`
    reservation as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(line_id uuid, sku text, location_id uuid, quantity int)
    ), reserved_levels as (
      update inventory_levels l set reserved = l.reserved + r.quantity, updated_at = now()
      from (select * from reservation ${onlyIfGate} order by sku, location_id) r
      where l.sku = r.sku and l.location_id = r.location_id
        and l.on_hand - l.reserved - l.safety_stock >= r.quantity
      returning 1
    ), reserved_allocations as (
      insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
      select ${orderId}::uuid, r.line_id, r.sku, r.location_id, r.quantity, ${occurredAt.toISOString()}::timestamptz
      from reservation r ${onlyIfGate}
      returning 1
    ), reserved_ledger as (
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, occurred_at)
      select r.sku, r.location_id, r.quantity, 'reservation', ${orderId}::uuid, ${occurredAt.toISOString()}::timestamptz
      from reservation r ${onlyIfGate}
      returning 1
    )`;
}

/**
 * An expression for the statement's final select: true when every planned level was raised,
 * else it raises STOCK_MOVED, which undoes the whole statement.
 */
export function requirePlannedReservation(plan: AllocationPlan): SQL {
  return sql`require_planned_reservation((select count(*) from reserved_levels), ${plan.allocations.length}::int)`;
}

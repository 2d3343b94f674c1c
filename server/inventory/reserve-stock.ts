import { executePrepared } from '#db/prepared-query.ts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { pgErrorCode } from '#db/errors.ts';
import { planAllocations, type AllocationPlan, type Destination, type LineDemand, type StockAtLocation, type StockLocation } from './allocation-plan.ts';

export interface ReservationRequest {
  lines: LineDemand[];
  destination: Destination | null;
  /** For in-store pickup, only this location may supply. */
  onlyLocationId: string | null;
}

/** Stock of one SKU at one location, with what sourcing weighs about the location. */
export type LocatedStock = StockAtLocation & Omit<StockLocation, 'id'>;

/**
 * Locks the inventory rows of the requested SKUs for the rest of the caller's transaction
 * (in a fixed order, so concurrent orders cannot deadlock) and returns their availability.
 * Reading availability only under the lock is what makes overselling impossible; the plan
 * made from it is then written with `reservationStatements` in the same transaction.
 */
export async function lockStock(tx: Executor, skus: readonly string[], onlyLocationId: string | null): Promise<LocatedStock[]> {
  const locked = await executePrepared<{
    sku: string; location_id: string; available: number; lat: number; lon: number;
    kind: LocatedStock['kind']; pick_cost_cents: number; pack_cost_cents: number; daily_capacity: number;
    ships_to_customers: boolean; offers_pickup: boolean;
  }>(tx, 'lock-inventory-for-order', sql`
    select l.sku, l.location_id, greatest(l.on_hand - l.reserved - l.safety_stock, 0) as available, loc.lat, loc.lon,
      loc.kind, loc.pick_cost_cents, loc.pack_cost_cents, loc.daily_capacity, loc.ships_to_customers, loc.offers_pickup
    from inventory_levels l
    join locations loc on loc.id = l.location_id
    where l.sku = any(${sql.param([...new Set(skus)])}::text[])
      and loc.active
      and (${onlyLocationId}::uuid is null or loc.id = ${onlyLocationId}::uuid)
    order by l.sku, l.location_id
    for update of l`);
  return locked.rows.map((r) => ({
    sku: r.sku,
    locationId: r.location_id,
    available: r.available,
    lat: r.lat,
    lon: r.lon,
    kind: r.kind,
    pickCostCents: r.pick_cost_cents,
    packCostCents: r.pack_cost_cents,
    dailyCapacity: r.daily_capacity,
    shipsToCustomers: r.ships_to_customers,
    offersPickup: r.offers_pickup,
  }));
}

/**
 * `lockStock`, planned nearest-first. Only a backorder of an order placed without coordinates is
 * served this way (allocate-backorders.ts); the rest go through the sourcing engine
 * (server/sourcing/source-backorder.ts).
 */
export async function lockAndPlanReservation(tx: Executor, request: ReservationRequest): Promise<AllocationPlan> {
  return planReservation(request, await lockStock(tx, request.lines.map((l) => l.sku), request.onlyLocationId));
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

/** One planned allocation of one order line, as the reservation CTEs take it. */
export interface ReservationRow {
  order_id: string;
  line_id: string;
  sku: string;
  location_id: string;
  quantity: number;
  occurred_at: string;
}

/** The rows of an order's plan, its lines named by `lineIds[lineIndex]`. */
export function reservationRows(orderId: string, lineIds: readonly string[], plan: AllocationPlan, occurredAt: Date): ReservationRow[] {
  const at = occurredAt.toISOString();
  return plan.allocations.map((a) => {
    const lineId = lineIds[a.lineIndex];
    if (!lineId) throw new Error(`allocation for unknown line ${a.lineIndex}`);
    return { order_id: orderId, line_id: lineId, sku: a.sku, location_id: a.locationId, quantity: a.quantity, occurred_at: at };
  });
}

/**
 * The writes of planned reservations (of one order or of several) as CTEs, so a command can
 * put them in the same single statement as its other writes: reserved stock goes up, the
 * allocations are recorded against their lines and the ledger says why. `gate` names a CTE
 * with an `order_id` column: only those orders' rows are written (e.g. orders whose
 * idempotency key was claimed).
 *
 * A level is raised only while it still has the units for all the orders of the statement
 * (checked again on the latest row version when a concurrent order updated it first), so a
 * plan made from an unlocked read can never oversell: the statement must then end with
 * `requirePlannedReservation`. Demand is summed per level first, because an UPDATE applies
 * only one source row to each target row. The levels are updated in (sku, location) order,
 * like the locking read, which keeps concurrent orders from deadlocking: the demand goes
 * through `reservation_demand_rows` (migration 0013), which tells the planner it is a few
 * rows, so the update walks it in order through the primary key.
 */
export function reservationStatements(rows: readonly ReservationRow[], gate?: SQL): SQL {
  const onlyGated = gate ? sql`where r.order_id in (select order_id from ${gate})` : sql``;
  return sql`
    reservation as (
      select r.* from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(order_id uuid, line_id uuid, sku text, location_id uuid, quantity int, occurred_at timestamptz)
      ${onlyGated}
    ), reservation_demand as (
      select sku, location_id, sum(quantity)::int as quantity from reservation group by sku, location_id
    ), reserved_levels as (
      update inventory_levels l set reserved = l.reserved + d.quantity, updated_at = now()
      from reservation_demand_rows((select coalesce(json_agg(rd order by rd.sku, rd.location_id), '[]') from reservation_demand rd)) d
      where l.sku = d.sku and l.location_id = d.location_id
        and l.on_hand - l.reserved - l.safety_stock >= d.quantity
      returning 1
    ), reserved_allocations as (
      insert into order_allocations (order_id, order_line_id, sku, location_id, quantity, created_at)
      select r.order_id, r.line_id, r.sku, r.location_id, r.quantity, r.occurred_at from reservation r
      returning 1
    ), reserved_ledger as (
      insert into inventory_ledger (sku, location_id, reserved_delta, reason, order_id, occurred_at)
      select r.sku, r.location_id, r.quantity, 'reservation', r.order_id, r.occurred_at from reservation r
      returning 1
    )`;
}

/**
 * An expression for the statement's final select: true when every level with planned demand
 * was raised, else it raises STOCK_MOVED, which undoes the whole statement.
 */
export function requirePlannedReservation(): SQL {
  return sql`require_planned_reservation((select count(*) from reserved_levels), (select count(*) from reservation_demand)::int)`;
}

import { eq, sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { orders } from '#db/schema/orders.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { loadOrderSourcingState } from '#server/fulfillment/order-sourcing-request.ts';
import { storeSourcingDecision } from '#server/fulfillment/store-sourcing-decision.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { lockAndPlanReservation, requirePlannedReservation, reservationRows, reservationStatements } from '#server/inventory/reserve-stock.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { sourceBackorder } from '#server/sourcing/source-backorder.ts';
import { toAllocationPlan } from '#server/sourcing/to-allocation-plan.ts';
import { lockOrder } from './lock-order.ts';
import { countShipmentsToday } from './source-order.ts';
import type { OrderStatus } from './order.schemas.ts';

const BATCH = 200;

/**
 * Statuses in which an order's backordered units are still wanted: a backordered order, and one
 * whose other shipments went on (a re-sourcing that left units short once picking had started).
 */
const WAITING: readonly OrderStatus[] = ['backordered', 'allocated', 'picking'];

interface BackorderFill {
  plan: AllocationPlan;
  lineIds: string[];
  /** The units still short per line id after this fill. */
  shortByLineId: Map<string, number>;
}

/**
 * Gives newly available stock of a SKU to orders waiting for it, oldest first. Each order is its
 * own transaction that locks the order before the stock, the same order as cancelling, so
 * the two never deadlock. The units go where the sourcing engine sends them by the configured
 * policy, with the order's exclusions, and the decision is stored beside the order's earlier
 * ones. Returns the ids of orders whose backorder was filled completely.
 */
export async function allocateBackorders(ctx: ServiceContext, sku: string): Promise<string[]> {
  // Units of the SKU free anywhere, read without a lock: once the orders before have taken them
  // no later one can be filled, and trying each cost a transaction of ten statements (a returned
  // unit of a SKU that 200 orders waited for tried all 200: 0.2 tries an order placed, in a backfill).
  // Stock arriving meanwhile runs this again for itself. Read with the waiting orders, in the same
  // statement: every positive stock adjustment asks, and most find no one waiting.
  const waiting = await ctx.db.execute<{ id: string; free: number }>(sql`
    select o.id, (select coalesce(sum(greatest(l.on_hand - l.reserved - l.safety_stock, 0)), 0)::int
                  from inventory_levels l join locations loc on loc.id = l.location_id
                  where l.sku = ${sku} and loc.active) as free
    from orders o
    where o.status = any(${sql.param(WAITING)}::order_status[])
      and exists (select 1 from order_lines l where l.order_id = o.id and l.sku = ${sku} and l.backordered_quantity > 0)
    order by o.placed_at, o.id
    limit ${BATCH}`);
  let free = waiting.rows[0]?.free ?? 0;
  if (free <= 0) return [];
  const completed: string[] = [];
  // Counted once for the batch: the shipments for these units are only made later, by the release loop.
  const today = await countShipmentsToday(ctx.db, ctx.clock.now());
  for (const { id } of waiting.rows) {
    if (free <= 0) break;
    let taken = 0;
    const outcome = await ctx.db.transaction(async (tx) => {
      const order = await lockOrder(tx, id);
      if (!WAITING.includes(order.status)) return 'skipped';
      const occurredAt = ctx.clock.now();
      const fill = (await hasSourcingDecision(tx, id)) ? await sourcedFill(ctx, tx, id, occurredAt, today) : await nearestFill(tx, id);
      if (!fill || fill.plan.allocations.length === 0) return 'waiting';
      taken = fill.plan.allocations.filter((a) => a.sku === sku).reduce((sum, a) => sum + a.quantity, 0);
      await tx.execute(sql`
        with ${reservationStatements(reservationRows(id, fill.lineIds, fill.plan, occurredAt))}
        update order_lines l set backordered_quantity = v.short
        from unnest(${sql.param([...fill.shortByLineId.keys()])}::uuid[], ${sql.param([...fill.shortByLineId.values()])}::int[]) as v(id, short)
        where l.id = v.id and ${requirePlannedReservation()}`);
      if ([...fill.shortByLineId.values()].some((short) => short > 0)) return 'waiting';
      // An order whose other shipments went on keeps its status: the release loop sends these units after them.
      if (order.status === 'backordered') await tx.update(orders).set({ status: 'allocated', updatedAt: occurredAt }).where(eq(orders.id, id));
      const allocations = fill.plan.allocations.map((a) => ({ sku: a.sku, locationId: a.locationId, quantity: a.quantity }));
      await appendEvents(tx, [
        { type: EventType.orderAllocated, aggregateType: 'order', aggregateId: id, occurredAt, payload: { channel: order.channel, allocations, fromBackorder: true } },
      ]);
      return 'allocated';
    });
    free -= taken;
    if (outcome === 'allocated') completed.push(id);
  }
  return completed;
}

/**
 * allocateBackorders for each of `skus` in turn (a receipt's, a transfer's, a return's). One
 * statement first finds the SKUs any order still waits for: each SKU's own search reads every
 * waiting order, and a receipt of 60 SKUs that no one waits for cost 60 of them (3,000 in a 2-day
 * backfill, most of them the opening stock's receipts).
 */
export async function allocateBackordersOf(ctx: ServiceContext, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const wanted = await ctx.db.execute<{ sku: string }>(sql`
    select distinct l.sku from orders o join order_lines l on l.order_id = o.id
    where o.status = any(${sql.param(WAITING)}::order_status[]) and l.backordered_quantity > 0 and l.sku = any(${sql.param([...skus])}::text[])`);
  const waitedFor = new Set(wanted.rows.map((r) => r.sku));
  const completed: string[] = [];
  for (const sku of skus) if (waitedFor.has(sku)) completed.push(...(await allocateBackorders(ctx, sku)));
  return completed;
}

async function hasSourcingDecision(tx: Executor, orderId: string): Promise<boolean> {
  const result = await tx.execute(sql`select 1 from order_sourcing_decisions where order_id = ${orderId}`);
  return result.rows.length > 0;
}

/** The engine's choice for the backordered units under the locked stock; the decision is stored when it sends any. */
async function sourcedFill(ctx: ServiceContext, tx: Executor, orderId: string, at: Date, today: ReadonlyMap<string, number>): Promise<BackorderFill | null> {
  const state = await loadOrderSourcingState(tx, orderId, at, today);
  const waitingLines = state.lines.filter((l) => l.backorderedQuantity > 0);
  if (waitingLines.length === 0) return null;
  const decision = sourceBackorder(
    {
      ...state.request,
      placedAt: at,
      lines: waitingLines.map((l) => ({ ...state.request.lines[l.lineIndex]!, quantity: l.backorderedQuantity })),
      availability: state.free,
    },
    ctx.sourcingPolicy,
    state.prior,
  );
  const plan = toAllocationPlan({ ...decision, shipments: decision.shipments.slice(state.prior.shipments.length) });
  if (plan.allocations.length === 0) return { plan, lineIds: [], shortByLineId: new Map() };
  await storeSourcingDecision(tx, orderId, decision, state.stored);
  return {
    plan,
    lineIds: state.lines.map((l) => l.id),
    shortByLineId: new Map(waitingLines.map((l) => [l.id, decision.shortByLine.get(l.lineIndex) ?? 0])),
  };
}

/**
 * An order placed without coordinates has no sourcing decision: like at capture, its units come
 * from the nearest locations with stock (the pickup store only, for a pickup).
 */
async function nearestFill(tx: Executor, orderId: string): Promise<BackorderFill | null> {
  const detail = await tx.execute<{ line_id: string; sku: string; backordered_quantity: number; lat: number | null; lon: number | null; pickup_location_id: string | null }>(sql`
    select l.id as line_id, l.sku, l.backordered_quantity, coalesce(pl.lat, a.lat) as lat, coalesce(pl.lon, a.lon) as lon, o.pickup_location_id
    from order_lines l join orders o on o.id = l.order_id
    left join addresses a on a.id = o.shipping_address_id
    left join locations pl on pl.id = o.pickup_location_id
    where l.order_id = ${orderId} and l.backordered_quantity > 0
    order by l.line_no`);
  const lines = detail.rows;
  const first = lines[0];
  if (!first) return null;
  const plan = await lockAndPlanReservation(tx, {
    lines: lines.map((l, lineIndex) => ({ lineIndex, sku: l.sku, quantity: l.backordered_quantity })),
    destination: first.lat !== null && first.lon !== null ? { lat: first.lat, lon: first.lon } : null,
    onlyLocationId: first.pickup_location_id,
  });
  return { plan, lineIds: lines.map((l) => l.line_id), shortByLineId: new Map(lines.map((l, i) => [l.line_id, plan.shortByLine.get(i) ?? 0])) };
}

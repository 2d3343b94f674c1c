import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { InvalidTransitionError } from '#server/core/errors.ts';
import type { OrderStatus } from '#server/orders/order.schemas.ts';
import { nextOrderStatus } from './order-progress.ts';
import type { ShipmentStatus } from './shipment-status.ts';
import { unreleasedAllocations } from './unreleased-units.ts';

interface OrderState {
  status: OrderStatus;
  updatedAt: Date | null;
  /** Its shipments that are not cancelled, by id. */
  shipments: Map<string, ShipmentStatus>;
}

/**
 * The orders a set-based command touches, followed in memory as its items apply one after
 * another (in request order), so each item sees what the single command would have seen after
 * the items before it: the order's shipments' statuses, its own status (advanceOrder's rules).
 * The caller holds the orders' locks; `updates()` is what to write at the end.
 */
export class WaveOrders {
  private constructor(
    private readonly orders: Map<string, OrderState>,
    private readonly unsent: Map<string, number>,
  ) {}

  /** `withUnsent`: count each order's units no shipment carries (needed once a step can pack, ship or deliver). */
  static async load(tx: Executor, orderIds: readonly string[], withUnsent: boolean): Promise<WaveOrders> {
    const ids = [...new Set(orderIds)];
    const orders = new Map<string, OrderState>();
    if (ids.length === 0) return new WaveOrders(orders, new Map());
    const rows = await tx.execute<{ order_id: string; order_status: OrderStatus; id: string | null; status: ShipmentStatus | null }>(sql`
      select o.id as order_id, o.status as order_status, s.id, s.status
      from orders o left join shipments s on s.order_id = o.id and s.status <> 'cancelled'
      where o.id = any(${sql.param(ids)}::uuid[])`);
    for (const r of rows.rows) {
      const order = orders.get(r.order_id) ?? { status: r.order_status, updatedAt: null, shipments: new Map() };
      if (r.id !== null) order.shipments.set(r.id, r.status!);
      orders.set(r.order_id, order);
    }
    const unsent = new Map<string, number>();
    if (withUnsent) {
      const backordered = await tx.execute<{ order_id: string; backordered: number }>(sql`
        select order_id, coalesce(sum(backordered_quantity), 0)::int as backordered from order_lines
        where order_id = any(${sql.param(ids)}::uuid[]) group by order_id`);
      for (const r of backordered.rows) unsent.set(r.order_id, r.backordered);
      for (const a of await unreleasedAllocations(tx, ids)) unsent.set(a.order_id, (unsent.get(a.order_id) ?? 0) + a.quantity);
    }
    return new WaveOrders(orders, unsent);
  }

  status(orderId: string): OrderStatus {
    return this.orders.get(orderId)!.status;
  }

  shipmentStatuses(orderId: string): ShipmentStatus[] {
    return [...this.orders.get(orderId)!.shipments.values()];
  }

  /** The order's other shipments still on the floor (pending, picking, packed). */
  othersOpen(orderId: string, shipmentId: string): number {
    let n = 0;
    for (const [id, status] of this.orders.get(orderId)!.shipments) if (id !== shipmentId && (status === 'pending' || status === 'picking' || status === 'packed')) n++;
    return n;
  }

  unsentUnits(orderId: string): number {
    return this.unsent.get(orderId) ?? 0;
  }

  /**
   * A shipment of the order moves to `to`; with `advance`, the order follows (advanceOrder).
   * False, and nothing moved, when the order refuses the step (invalid_transition): the caller
   * leaves that item to the single command, which answers the refusal.
   */
  async move(orderId: string, shipmentId: string, to: ShipmentStatus, at: Date, advance: boolean): Promise<boolean> {
    const order = this.orders.get(orderId)!;
    const before = order.shipments.get(shipmentId);
    if (to === 'cancelled') order.shipments.delete(shipmentId);
    else order.shipments.set(shipmentId, to);
    if (!advance) return true;
    try {
      const status = await nextOrderStatus(order.status, [...order.shipments.values()], () => this.unsentUnits(orderId));
      if (status !== order.status) {
        order.status = status;
        order.updatedAt = at;
      }
      return true;
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      if (before === undefined) order.shipments.delete(shipmentId);
      else order.shipments.set(shipmentId, before);
      return false;
    }
  }

  /** Sets an order's status directly (a rule other than advanceOrder's, e.g. all returned to sender). */
  setStatus(orderId: string, status: OrderStatus, at: Date): void {
    const order = this.orders.get(orderId)!;
    order.status = status;
    order.updatedAt = at;
  }

  /** Writes the orders whose status changed, in one statement. */
  async write(tx: Executor): Promise<void> {
    const changed = [...this.orders].filter(([, o]) => o.updatedAt !== null);
    if (changed.length === 0) return;
    await tx.execute(sql`
      update orders o set status = c.status::order_status, updated_at = c.updated_at
      from unnest(${sql.param(changed.map(([id]) => id))}::uuid[], ${sql.param(changed.map(([, o]) => o.status))}::text[],
        ${sql.param(changed.map(([, o]) => o.updatedAt!.toISOString()))}::timestamptz[]) as c(id, status, updated_at)
      where o.id = c.id`);
  }
}

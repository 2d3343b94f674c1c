import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';

export const INTEGRITY_PROBLEMS = ['reserved_mismatch', 'closed_order_reservation', 'negative_stock', 'ledger_on_hand_drift', 'ledger_reserved_drift'] as const;
export type IntegrityProblem = (typeof INTEGRITY_PROBLEMS)[number];

const Thresholds = z.strictObject({
  /** Also compare every level with the sum of its ledger (a scan of the whole ledger: hence everySeconds). */
  checkLedger: z.boolean().default(true),
  /** Most SKU × location alerts one round opens or updates (the worst data should not flood the inbox). */
  maxFindings: z.number().int().min(1).max(10_000).default(200),
  ...commonThresholds,
  everySeconds: commonThresholds.everySeconds.default(60),
});

interface IntegrityRow extends Record<string, unknown> {
  sku: string;
  location_id: string;
  location_code: string | null;
  on_hand: number | null;
  reserved: number | null;
  allocated: number;
  ledger_on_hand: number | null;
  ledger_reserved: number | null;
  closed_orders: string[] | null;
  open_orders: string[] | null;
}

/** Order statuses that hold no stock: an open allocation on one of them is a leak. */
const CLOSED = sql`('shipped', 'delivered', 'cancelled', 'returned', 'return_requested')`;

/**
 * Stock records that contradict each other, per SKU × location: `reserved` against the open
 * allocations of orders, allocations still open on finished orders, negative stock, and
 * on-hand / reserved against the sum of the ledger. One statement, so one snapshot: a
 * command committing meanwhile is seen whole or not at all, and a finding is never transient.
 */
export const inventoryIntegrity = defineRule({
  key: 'inventory_integrity',
  description: 'Reservations that disagree with open order lines, negative stock, levels that drift from their ledger',
  defaultSeverity: 'critical',
  thresholds: Thresholds,
  async evaluate({ db, thresholds, severity }) {
    const ledger = thresholds.checkLedger;
    const checkLedger = ledger ? sql`true` : sql`false`;
    const result = await db.execute<IntegrityRow>(sql`
      with allocated as (
        select a.sku, a.location_id, sum(a.quantity)::int as allocated,
          array_agg(distinct a.order_id::text) as open_orders,
          array_agg(distinct a.order_id::text) filter (where o.status in ${CLOSED}) as closed_orders
        from order_allocations a join orders o on o.id = a.order_id
        where a.released_at is null
        group by a.sku, a.location_id
      ), ledger as (
        select sku, location_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
        from inventory_ledger where ${checkLedger}
        group by sku, location_id
      ), keys as (
        select sku, location_id from inventory_levels
        union select sku, location_id from allocated
        union select sku, location_id from ledger
      )
      select k.sku, k.location_id, loc.code as location_code, l.on_hand, l.reserved, coalesce(a.allocated, 0) as allocated,
        g.on_hand as ledger_on_hand, g.reserved as ledger_reserved, a.closed_orders, a.open_orders
      from keys k
      left join inventory_levels l on l.sku = k.sku and l.location_id = k.location_id
      left join allocated a on a.sku = k.sku and a.location_id = k.location_id
      left join ledger g on g.sku = k.sku and g.location_id = k.location_id
      left join locations loc on loc.id = k.location_id
      where coalesce(l.reserved, 0) <> coalesce(a.allocated, 0)
        or a.closed_orders is not null
        or l.on_hand < 0 or l.reserved < 0 or l.reserved > l.on_hand
        or (${checkLedger} and (coalesce(g.on_hand, 0) <> coalesce(l.on_hand, 0) or coalesce(g.reserved, 0) <> coalesce(l.reserved, 0)))
      order by k.sku, k.location_id
      limit ${thresholds.maxFindings}`);

    return result.rows.map((r): Finding => {
      const onHand = r.on_hand ?? 0;
      const reserved = r.reserved ?? 0;
      const problems: IntegrityProblem[] = [];
      if (reserved !== r.allocated) problems.push('reserved_mismatch');
      if (r.closed_orders) problems.push('closed_order_reservation');
      if (onHand < 0 || reserved < 0 || reserved > onHand) problems.push('negative_stock');
      if (ledger && (r.ledger_on_hand ?? 0) !== onHand) problems.push('ledger_on_hand_drift');
      if (ledger && (r.ledger_reserved ?? 0) !== reserved) problems.push('ledger_reserved_drift');
      const where = r.location_code ?? r.location_id;
      const facts = [
        problems.includes('reserved_mismatch') && `reserved ${reserved} but open orders hold ${r.allocated}`,
        problems.includes('closed_order_reservation') && `${r.closed_orders!.length} finished orders still hold units`,
        problems.includes('negative_stock') && `on hand ${onHand}, reserved ${reserved}, available ${onHand - reserved}`,
        problems.includes('ledger_on_hand_drift') && `on hand ${onHand} but the ledger sums to ${r.ledger_on_hand ?? 0}`,
        problems.includes('ledger_reserved_drift') && `reserved ${reserved} but the ledger sums to ${r.ledger_reserved ?? 0}`,
      ].filter((f): f is string => typeof f === 'string');
      const orders = [...(r.closed_orders ?? []), ...(r.open_orders ?? []).filter((id) => !r.closed_orders?.includes(id))];
      return {
        subject: `sku:${r.sku}@${r.location_id}`,
        severity,
        title: `Stock records of ${r.sku} at ${where} disagree`,
        detail: `${facts.join('; ')}.`,
        locationId: r.location_code === null ? null : r.location_id,
        affected: { skus: [r.sku], locationId: r.location_id, orders: orders.slice(0, AFFECTED_CAP), ordersTotal: orders.length },
        measured: { problems, onHand, reserved, openAllocations: r.allocated, ledgerOnHand: r.ledger_on_hand, ledgerReserved: r.ledger_reserved },
      };
    });
  },
});

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { executePrepared } from '#db/prepared-query.ts';
import { lineRows, orderCtes, orderRow } from '#server/orders/write-orders.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import type { PlannedHistoryOrder } from './plan-history-order.ts';

/** An order ready to write: its plan, its claim and its timeline. */
export interface HistoryOrderWrite {
  plan: PlannedHistoryOrder;
  claim: { scope: string; key: string };
  requestHash: string;
  rmaNumber: string | null;
  events: NewEvent[];
}

/** The return numbers of `count` new RMAs, drawn ahead because their events name them. */
export async function drawReturnNumbers(tx: Executor, count: number): Promise<string[]> {
  if (count === 0) return [];
  const result = await tx.execute<{ number: string }>(sql`select 'R' || nextval('return_number_seq')::text as number from generate_series(1, ${count})`);
  return result.rows.map((r) => r.number);
}

/**
 * Writes closed orders, each in its final state, as ONE statement of data-modifying CTEs: the
 * idempotency claim, customer, address, order, lines, payment, shipments with their lines and
 * packages, the return and the timeline (the request's own audit entry records the import). Every row is written once as it ended
 * (no status walked step by step), which is what makes history cheap to import. An order whose
 * key was claimed meanwhile (a concurrent duplicate won) writes nothing and is left out of the
 * answer. Returns number and customer id by order id.
 */
export async function writeOrderHistory(tx: Executor, orders: readonly HistoryOrderWrite[]): Promise<Map<string, { number: string; customerId: string }>> {
  const rows = tablesOf(orders);
  const result = await executePrepared<{ id: string; number: string; customer_id: string }>(tx, 'write-order-history', sql`
    with ${orderCtes(rows.orders, rows.lines)}, written_payments as (
      insert into payments (id, order_id, provider, method, status, currency, authorized_cents, captured_cents, refunded_cents, provider_ref, created_at, updated_at)
      select p.id, p.order_id, p.provider, p.method, p.status, p.currency, p.authorized_cents, p.captured_cents, p.refunded_cents, p.provider_ref, p.created_at, p.updated_at
      from json_to_recordset(${JSON.stringify(rows.payments)}::json) as p(id uuid, order_id uuid, provider text, method payment_method,
        status payment_status, currency text, authorized_cents int, captured_cents int, refunded_cents int, provider_ref text,
        created_at timestamptz, updated_at timestamptz)
      where p.order_id in (select order_id from claim)
      returning 1
    ), written_shipments as (
      insert into shipments (id, order_id, number, location_id, status, carrier, service, promised_at, pick_pack_cost_cents,
        packaging_cost_cents, label_cost_cents, captured_cents, shipped_at, delivered_at, created_at, updated_at)
      select s.id, s.order_id, s.number, s.location_id, s.status, s.carrier, s.service, s.promised_at, s.pick_pack_cost_cents,
        s.packaging_cost_cents, s.label_cost_cents, s.captured_cents, s.shipped_at, s.delivered_at, s.created_at, s.updated_at
      from json_to_recordset(${JSON.stringify(rows.shipments)}::json) as s(id uuid, order_id uuid, number int, location_id uuid,
        status shipment_status, carrier text, service delivery_service, promised_at timestamptz, pick_pack_cost_cents int,
        packaging_cost_cents int, label_cost_cents int, captured_cents int, shipped_at timestamptz, delivered_at timestamptz,
        created_at timestamptz, updated_at timestamptz)
      where s.order_id in (select order_id from claim)
      returning 1
    ), written_shipment_lines as (
      insert into shipment_lines (id, shipment_id, order_line_id, sku, quantity, picked_quantity, packed_quantity, pick_claimed_at, picked_at)
      select l.id, l.shipment_id, l.order_line_id, l.sku, l.quantity, l.quantity, l.quantity, l.claimed_at, l.picked_at
      from json_to_recordset(${JSON.stringify(rows.shipmentLines)}::json) as l(order_id uuid, id uuid, shipment_id uuid, order_line_id uuid,
        sku text, quantity int, claimed_at timestamptz, picked_at timestamptz)
      where l.order_id in (select order_id from claim)
      returning 1
    ), written_packages as (
      insert into packages (id, shipment_id, number, packaging_code, weight_grams, tracking_number, status, label_cost_cents, last_event_at, created_at)
      select p.id, p.shipment_id, p.number, p.packaging_code, p.weight_grams, p.tracking_number, p.status, p.label_cost_cents, p.last_event_at, p.created_at
      from json_to_recordset(${JSON.stringify(rows.packages)}::json) as p(order_id uuid, id uuid, shipment_id uuid, number int,
        packaging_code text, weight_grams int, tracking_number text, status package_status, label_cost_cents int,
        last_event_at timestamptz, created_at timestamptz)
      where p.order_id in (select order_id from claim)
      returning id
    ), written_contents as (
      insert into package_contents (package_id, shipment_line_id, quantity)
      select c.package_id, c.shipment_line_id, c.quantity
      from json_to_recordset(${JSON.stringify(rows.contents)}::json) as c(order_id uuid, package_id uuid, shipment_line_id uuid, quantity int)
      where c.order_id in (select order_id from claim)
      returning 1
    ), written_returns as (
      insert into returns (id, number, order_id, customer_id, status, requested_by, currency, location_id, resolution, refunded_cents,
        store_credit_cents, requested_at, authorized_at, received_at, inspected_at, resolved_at, closed_at, created_at, updated_at)
      select r.id, r.number, r.order_id, w.customer_id, r.status, 'customer', r.currency, r.location_id, r.resolution, r.refunded_cents,
        r.store_credit_cents, r.requested_at, r.authorized_at, r.received_at, r.received_at, r.resolved_at, r.resolved_at, r.requested_at,
        coalesce(r.resolved_at, r.received_at, r.authorized_at)
      from json_to_recordset(${JSON.stringify(rows.returns)}::json) as r(id uuid, number text, order_id uuid, status return_status, currency text,
        location_id uuid, resolution return_resolution, refunded_cents int, store_credit_cents int, requested_at timestamptz,
        authorized_at timestamptz, received_at timestamptz, resolved_at timestamptz)
      join placed w on w.id = r.order_id
      returning id
    ), written_return_lines as (
      insert into return_lines (id, return_id, order_line_id, sku, category, quantity, reason, received_quantity, restock_quantity,
        scrap_quantity, restock_location_id)
      select l.id, l.return_id, l.order_line_id, l.sku, l.category, l.quantity, l.reason, l.received, l.restock, l.scrap,
        case when l.restock > 0 then l.location_id end
      from json_to_recordset(${JSON.stringify(rows.returnLines)}::json) as l(order_id uuid, id uuid, return_id uuid, order_line_id uuid,
        sku text, category text, quantity int, reason return_reason, received int, restock int, scrap int, location_id uuid)
      where l.return_id in (select id from written_returns)
      returning 1
    ), written_events as (
      insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload)
      select e.type, 'order', e.order_id, e.occurred_at, e.payload
      from rows from (jsonb_to_recordset(${JSON.stringify(rows.events)}::jsonb)
        as (order_id uuid, type text, payload jsonb, occurred_at timestamptz)) with ordinality as e(order_id, type, payload, occurred_at, n)
      where e.order_id in (select order_id from claim)
      order by e.n
      returning 1
    )
    -- Data-modifying CTEs run whether or not the answer reads them.
    select w.id, w.number, w.customer_id
    from placed w`);
  return new Map(result.rows.map((row) => [row.id, { number: row.number, customerId: row.customer_id }]));
}

/** The batch as one JSON document per table (a json value is parsed anew at every `->` taken from it). */
function tablesOf(orders: readonly HistoryOrderWrite[]) {
  return {
    orders: orders.map(historyOrderRow),
    lines: orders.flatMap(({ plan }) => lineRows(plan)),
    payments: orders.flatMap(({ plan }) => (plan.payment ? [{ ...paymentRow(plan) }] : [])),
    shipments: orders.flatMap(({ plan }) =>
      plan.shipments.map((s) => ({
        id: s.shipment.id,
        order_id: plan.orderId,
        number: s.shipment.number,
        location_id: s.shipment.locationId,
        status: s.status,
        carrier: s.shipment.carrier,
        service: s.shipment.service,
        promised_at: s.shipment.promisedAt?.toISOString() ?? null,
        pick_pack_cost_cents: s.shipment.pickPackCostCents,
        packaging_cost_cents: s.shipment.packagingCostCents,
        label_cost_cents: s.shipment.labelCostCents,
        captured_cents: s.capturedCents,
        shipped_at: s.shippedAt.toISOString(),
        delivered_at: s.deliveredAt?.toISOString() ?? null,
        created_at: s.pickingStartedAt.toISOString(),
        updated_at: (s.deliveredAt ?? s.shippedAt).toISOString(),
      })),
    ),
    shipmentLines: orders.flatMap(({ plan }) =>
      plan.shipments.flatMap((s) =>
        s.lines.map((l) => ({
          order_id: plan.orderId,
          id: l.id,
          shipment_id: s.shipment.id,
          order_line_id: l.orderLineId,
          sku: l.sku,
          quantity: l.quantity,
          claimed_at: s.pickingStartedAt.toISOString(),
          picked_at: s.packedAt.toISOString(),
        })),
      ),
    ),
    packages: orders.flatMap(({ plan }) =>
      plan.shipments.flatMap((s) =>
        s.packages.map((p) => ({
          order_id: plan.orderId,
          id: p.id,
          shipment_id: s.shipment.id,
          number: p.row.number,
          packaging_code: p.row.packagingCode,
          weight_grams: p.row.weightGrams,
          tracking_number: p.row.trackingNumber,
          status: p.status,
          label_cost_cents: p.row.labelCostCents,
          last_event_at: (s.deliveredAt ?? (s.shipment.carrier === null ? null : s.shippedAt))?.toISOString() ?? null,
          created_at: p.row.createdAt.toISOString(),
        })),
      ),
    ),
    contents: orders.flatMap(({ plan }) =>
      plan.shipments.flatMap((s) =>
        s.packages.flatMap((p) => p.planned.contents.map((c) => ({ order_id: plan.orderId, package_id: p.id, shipment_line_id: c.lineId, quantity: c.quantity }))),
      ),
    ),
    returns: orders.flatMap(({ plan, rmaNumber }) => {
      const r = plan.return;
      if (!r || !rmaNumber) return [];
      return [
        {
          id: r.id,
          number: rmaNumber,
          order_id: plan.orderId,
          status: r.status,
          currency: plan.input.currency,
          location_id: r.input.locationId,
          resolution: r.input.resolution ?? null,
          refunded_cents: r.refundedCents,
          store_credit_cents: r.storeCreditCents,
          requested_at: r.requestedAt.toISOString(),
          authorized_at: r.authorizedAt.toISOString(),
          received_at: r.receivedAt?.toISOString() ?? null,
          resolved_at: r.resolvedAt?.toISOString() ?? null,
        },
      ];
    }),
    returnLines: orders.flatMap(({ plan }) =>
      (plan.return?.lines ?? []).map((l) => ({
        order_id: plan.orderId,
        id: l.id,
        return_id: plan.return!.id,
        order_line_id: l.orderLineId,
        sku: l.sku,
        category: l.category,
        quantity: l.quantity,
        reason: l.reason,
        // Not received yet: inspection has decided nothing.
        received: plan.return!.receivedAt ? l.quantity : 0,
        restock: plan.return!.receivedAt ? l.restock : 0,
        scrap: plan.return!.receivedAt ? l.scrap : 0,
        location_id: plan.return!.input.locationId,
      })),
    ),
    events: orders.flatMap(({ plan, events }) => events.map((e) => ({ order_id: plan.orderId, type: e.type, payload: e.payload, occurred_at: e.occurredAt.toISOString() }))),
  };
}

/** The order's row, in its final state, last touched at its life's last moment. */
function historyOrderRow({ plan, claim, requestHash }: HistoryOrderWrite, n: number) {
  const r = plan.return;
  const last = [plan.placedAt, plan.cancelledAt, ...plan.shipments.flatMap((s) => [s.shippedAt, s.deliveredAt]), r?.requestedAt, r?.receivedAt, r?.resolvedAt];
  return {
    ...orderRow({ ...plan, claim, requestHash }, n, plan.status),
    updated_at: new Date(Math.max(...last.map((d) => d?.getTime() ?? 0))).toISOString(),
  };
}

function paymentRow(plan: PlannedHistoryOrder) {
  const p = plan.payment!;
  const lastCapture = plan.shipments.at(-1)?.shippedAt ?? plan.cancelledAt ?? plan.placedAt;
  const updatedAt = p.refundedCents > 0 && plan.return?.resolvedAt ? plan.return.resolvedAt : lastCapture;
  return {
    id: p.id,
    order_id: plan.orderId,
    provider: p.provider,
    method: p.method,
    status: p.status,
    currency: plan.input.currency,
    authorized_cents: p.authorizedCents,
    captured_cents: p.capturedCents,
    refunded_cents: p.refundedCents,
    provider_ref: p.providerRef,
    created_at: plan.placedAt.toISOString(),
    updated_at: updatedAt.toISOString(),
  };
}

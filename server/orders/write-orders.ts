import { executePrepared } from '#db/prepared-query.ts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { RequestAudit } from '#server/audit/audit-writer.ts';
import { EventType } from '#server/core/events.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { requirePlannedReservation, reservationRows, reservationStatements, type LocatedStock } from '#server/inventory/reserve-stock.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import type { Authorization } from '#server/payments/payment-provider.ts';
import { STORE_CREDIT_PROVIDER } from '#server/payments/refund-order-payments.ts';
import type { SourcingDecision } from '#server/sourcing/sourcing.types.ts';
import type { OrderContext } from './order-context.ts';
import type { Order, PlaceOrderInput } from './order.schemas.ts';
import type { PricedOrder } from './pricing.ts';

/** Everything decided about a new order before it is written. */
export interface OrderDraft {
  orderId: string;
  lineIds: string[];
  /** Pre-chosen so that the order row can name the address written in the same statement. */
  addressId: string;
  input: PlaceOrderInput;
  reference: OrderContext;
  priced: PricedOrder;
  plan: AllocationPlan;
  /** The sourcing engine's decision behind `plan`, kept with the order to answer "why from there?". */
  sourcing: SourcingDecision | null;
  status: 'allocated' | 'backordered';
  placedAt: Date;
  requestHash: string;
  authorization: Authorization | undefined;
  provider: string;
  /** Store credit spent on the order; redeemed in the same transaction as the write. */
  storeCreditCents: number;
  /** The Idempotency-Key the order is written under. */
  claim: { scope: string; key: string };
  /** Written with the order, in the same statement. */
  audit?: RequestAudit | undefined;
  /** Placed by a dated (historical) request: its commit need not wait for its flush (server/core/replayable-commits.ts). */
  replayable?: boolean | undefined;
  /**
   * The draft planned again from stock read under row locks (the pickup location's alone for a
   * pickup), for when its planned units were taken first; throws the order's refusal when the
   * stock left cannot serve it. OrderWriter uses it to write a shared statement again, locked.
   */
  replan?: ((stock: readonly LocatedStock[]) => OrderDraft) | undefined;
}

/**
 * Writes new orders, one or many, as ONE statement of data-modifying CTEs: for each order it
 * claims the idempotency key and writes the customer, address, order, lines, reservation,
 * payment, events and audit entry. Order capture is the hot path, and each statement costs
 * PostgreSQL more than the rows it writes (executor start-up, commit, a round trip), so
 * concurrent orders share one. One statement is atomic on its own and needs no transaction.
 *
 * Returns the numbers of the orders written, by order id. An order whose key was already
 * claimed (a concurrent duplicate won) is left out, having written nothing. Fails, having
 * written nothing at all, when the planned units of any order were taken in the meantime
 * (a stock-moved error) or on any other error: the caller decides what to retry alone.
 * Drafts must not share an idempotency key or a channel + externalRef.
 */
export async function writeOrders(db: Executor, drafts: readonly OrderDraft[]): Promise<Map<string, string>> {
  // One parameter per table, since a json value is parsed anew at every `->` taken from it. The
  // large ones (decisions, event payloads, audit details) go as jsonb: parsed once into what their
  // columns store, rather than checked as json, parsed out of it and parsed again into jsonb.
  const orders = drafts.map((d, n) => orderRow(d, n, d.status));
  const lines = drafts.flatMap((d) => lineRows(d, d.plan.shortByLine));
  const payments = drafts.flatMap((d) => paymentRows(d).map((payment) => ({ order_id: d.orderId, ...payment, at: d.placedAt.toISOString() })));
  const events = drafts.flatMap((d) => orderPlacedEvents(d).map((e) => ({ order_id: d.orderId, type: e.type, payload: e.payload, occurred_at: d.placedAt.toISOString() })));
  const audits = drafts.flatMap((d) => (d.audit ? [{ order_id: d.orderId, ...auditRow(d.audit) }] : []));
  const decisions = drafts.flatMap((d) => (d.sourcing ? [sourcingRow(d.orderId, d.sourcing)] : []));
  const reservations = drafts.flatMap((d) => reservationRows(d.orderId, d.lineIds, d.plan, d.placedAt));

  const result = await executePrepared<{ id: string; number: string }>(db, 'write-orders', sql`
    with commit_mode as (
      -- Asynchronous commit only when every order is historical; else the session's own setting.
      select set_config('synchronous_commit', case when ${drafts.length > 0 && drafts.every((d) => d.replayable === true)}::boolean then 'off' else current_setting('synchronous_commit') end, true)
    ), ${orderCtes(orders, lines, sql`commit_mode`)}, placed_payment as (
      insert into payments (order_id, provider, method, status, currency, authorized_cents, captured_cents, provider_ref, created_at, updated_at)
      select p.order_id, p.provider, p.method, p.status, p.currency, p.authorized_cents, p.captured_cents, p.provider_ref, p.at, p.at
      from json_to_recordset(${JSON.stringify(payments)}::json) as p(order_id uuid, provider text, method payment_method,
        status payment_status, currency text, authorized_cents int, captured_cents int, provider_ref text, at timestamptz)
      where p.order_id in (select order_id from claim)
      returning 1
    ), placed_events as (
      insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload)
      select e.type, 'order', e.order_id, e.occurred_at, e.payload
      from rows from (jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        as (order_id uuid, type text, payload jsonb, occurred_at timestamptz)) with ordinality as e(order_id, type, payload, occurred_at, n)
      where e.order_id in (select order_id from claim)
      order by e.n
      returning 1
    ), audited as (
      insert into audit_log (occurred_at, actor_kind, actor_id, actor_label, action, method, path, target_type, target_id,
        status, outcome, request_id, ip, detail)
      select a.occurred_at, a.actor_kind, a.actor_id, a.actor_label, a.action, a.method, a.path, 'orders', a.order_id::text,
        201, 'ok', a.request_id, a.ip, a.detail
      from jsonb_to_recordset(${JSON.stringify(audits)}::jsonb) as a(order_id uuid, occurred_at timestamptz, actor_kind text,
        actor_id text, actor_label text, action text, method text, path text, request_id text, ip text, detail jsonb)
      where a.order_id in (select order_id from claim)
      returning 1
    ), sourced as (
      insert into order_sourcing_decisions (order_id, decided_at, strategy, total_cost_cents, decision)
      select s.order_id, s.decided_at, s.strategy, s.total_cost_cents, s.decision
      from jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb)
        as s(order_id uuid, decided_at timestamptz, strategy text, total_cost_cents int, decision jsonb)
      where s.order_id in (select order_id from claim)
      returning 1
    ), ${reservationStatements(reservations, sql`claim`)}
    select id, number, ${requirePlannedReservation()} as reserved from placed`);
  return new Map(result.rows.map((row) => [row.id, row.number]));
}

function sourcingRow(orderId: string, decision: SourcingDecision) {
  return {
    order_id: orderId,
    decided_at: decision.decidedAt,
    strategy: decision.log.strategy,
    total_cost_cents: decision.costs.totalCents,
    decision: { ...decision, shortByLine: Object.fromEntries(decision.shortByLine) },
  };
}

/**
 * The statements every order writer starts with, from its orders' rows (orderRow) and their lines
 * (lineRows): `claim` (each order's idempotency key; an order whose key is taken writes nothing,
 * and every later CTE filters on it), `customer` (upserted by email, one row per email: an upsert
 * may not touch a row twice in one statement), `address`, `placed` (id, number, customer_id) and
 * `placed_lines`. `after` names a CTE the orders are read behind (write-orders' commit mode).
 */
export function orderCtes(orders: readonly ReturnType<typeof orderRow>[], lines: readonly ReturnType<typeof lineRows>[number][], after?: SQL): SQL {
  return sql`input_orders as (
      select o.* from ${after ? sql`${after}, ` : sql``}json_to_recordset(${JSON.stringify(orders)}::json) as o(n int, id uuid, scope text, key text, request_hash text,
        channel sales_channel, external_ref text, email text, customer_name text, address_id uuid, address json,
        status order_status, currency text, subtotal_cents int, discount_cents int, tax_cents int, shipping_cents int, total_cents int,
        delivery_method delivery_method, delivery_service delivery_service, pickup_location_id uuid, promotion_code text,
        placed_at timestamptz, updated_at timestamptz)
    ), claim as (
      insert into idempotency_keys (scope, key, request_hash, result)
      select scope, key, request_hash, jsonb_build_object('orderId', id) from input_orders order by n
      on conflict do nothing
      returning (result ->> 'orderId')::uuid as order_id
    ), claimed as (
      select o.* from input_orders o where o.id in (select order_id from claim)
    ), customer as (
      insert into customers (email, name)
      select distinct on (email) email, customer_name from claimed order by email, n desc
      on conflict (email) do update set name = excluded.name, updated_at = now()
      returning id, email
    ), address as (
      insert into addresses (id, customer_id, line1, line2, city, region, postal_code, country, lat, lon, created_at)
      select o.address_id, c.id, a.line1, a.line2, a.city, a.region, a."postalCode", a.country, a.lat, a.lon, o.placed_at
      from claimed o join customer c on c.email = o.email,
        json_to_record(o.address) as a(line1 text, line2 text, city text, region text, "postalCode" text, country text, lat float8, lon float8)
      where o.address is not null
      returning 1
    ), placed as (
      insert into orders (id, channel, external_ref, customer_id, shipping_address_id, status, currency,
        subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, delivery_method, delivery_service,
        pickup_location_id, promotion_code, request_hash, placed_at, created_at, updated_at)
      select o.id, o.channel, o.external_ref, c.id, case when o.address is null then null else o.address_id end, o.status, o.currency,
        o.subtotal_cents, o.discount_cents, o.tax_cents, o.shipping_cents, o.total_cents, o.delivery_method, o.delivery_service,
        o.pickup_location_id, o.promotion_code, o.request_hash, o.placed_at, o.placed_at, o.updated_at
      from claimed o join customer c on c.email = o.email
      order by o.n
      returning id, number, customer_id
    ), placed_lines as (
      insert into order_lines (id, order_id, line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents, backordered_quantity)
      select l.id, l.order_id, l.line_no, l.sku, l.name, l.category, l.quantity, l.unit_price_cents, l.discount_cents, l.tax_cents, l.backordered_quantity
      from json_to_recordset(${JSON.stringify(lines)}::json) as l(order_id uuid, id uuid, line_no int, sku text, name text, category text,
        quantity int, unit_price_cents int, discount_cents int, tax_cents int, backordered_quantity int)
      where l.order_id in (select order_id from claim)
      returning 1
    )`;
}

/** What an order being written is made of, for its order and line rows (capture and history import alike). */
export type OrderRowSource = Pick<OrderDraft, 'orderId' | 'lineIds' | 'addressId' | 'input' | 'reference' | 'priced' | 'placedAt' | 'claim' | 'requestHash'>;

/** An order's row as the writing statements' JSON carries it; `status` is where the order stands. */
export function orderRow(d: OrderRowSource, n: number, status: string) {
  const { input, priced } = d;
  return {
    n,
    id: d.orderId,
    scope: d.claim.scope,
    key: d.claim.key,
    request_hash: d.requestHash,
    channel: input.channel,
    external_ref: input.externalRef ?? null,
    email: input.customer.email,
    customer_name: input.customer.name,
    address_id: d.addressId,
    address: input.shippingAddress ?? null,
    status,
    currency: input.currency,
    subtotal_cents: priced.subtotalCents,
    discount_cents: priced.discountCents,
    tax_cents: priced.taxCents,
    shipping_cents: priced.shippingCents,
    total_cents: priced.totalCents,
    delivery_method: input.delivery.method,
    delivery_service: input.delivery.service,
    pickup_location_id: d.reference.pickupLocation?.id ?? null,
    promotion_code: input.promotionCode ?? null,
    placed_at: d.placedAt.toISOString(),
    updated_at: d.placedAt.toISOString(),
  };
}

/** An order's line rows, priced and named from the catalog; `backorderedByLine` the units each waits for. */
export function lineRows(d: Pick<OrderDraft, 'orderId' | 'lineIds' | 'reference' | 'priced'>, backorderedByLine: ReadonlyMap<number, number> = new Map()) {
  return d.priced.lines.map((line, i) => {
    const product = d.reference.products.get(line.sku)!;
    return {
      order_id: d.orderId,
      id: d.lineIds[i],
      line_no: i + 1,
      sku: line.sku,
      name: product.name,
      category: product.category,
      quantity: line.quantity,
      unit_price_cents: line.unitPriceCents,
      discount_cents: line.discountCents,
      tax_cents: line.taxCents,
      backordered_quantity: backorderedByLine.get(i) ?? 0,
    };
  });
}

function auditRow(a: RequestAudit) {
  return {
    occurred_at: a.occurredAt,
    actor_kind: a.actorKind,
    actor_id: a.actorId,
    actor_label: a.actorLabel,
    action: a.action,
    method: a.method,
    path: a.path,
    request_id: a.requestId,
    ip: a.ip,
    detail: a.detail,
  };
}

/** The card's (or invoice's) part of the payment, as the order view shows it. */
function paymentRow(d: OrderDraft) {
  if (d.input.payment.method === 'invoice') {
    return { provider: 'invoice', method: 'invoice', status: 'pending_invoice', currency: d.input.currency, authorized_cents: 0, captured_cents: 0, provider_ref: null };
  }
  if (!d.authorization) return null;
  return {
    provider: d.provider,
    method: 'card',
    status: 'authorized',
    currency: d.input.currency,
    authorized_cents: d.authorization.amountCents,
    captured_cents: 0,
    provider_ref: d.authorization.authorizationId,
  };
}

/** Every payment row of a new order: the card's or invoice's part, and the store credit spent (taken at once). */
function paymentRows(d: OrderDraft) {
  const rows = [];
  const main = paymentRow(d);
  if (main) rows.push(main);
  if (d.storeCreditCents > 0) {
    rows.push({
      provider: STORE_CREDIT_PROVIDER,
      method: 'store_credit',
      status: 'captured',
      currency: d.input.currency,
      authorized_cents: d.storeCreditCents,
      captured_cents: d.storeCreditCents,
      provider_ref: null,
    });
  }
  return rows;
}

/** The order as GET /api/orders/:id shows it, built from what was just written. */
export function newOrderView(d: OrderDraft, number: string): Order {
  const { input, priced } = d;
  const at = d.placedAt.toISOString();
  const payment = paymentRow(d);
  return {
    id: d.orderId,
    number,
    status: d.status,
    channel: input.channel,
    externalRef: input.externalRef ?? null,
    currency: input.currency,
    totals: totalsOf(priced),
    lines: priced.lines.map((line, i) => ({
      sku: line.sku,
      name: d.reference.products.get(line.sku)!.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      discountCents: line.discountCents,
      taxCents: line.taxCents,
      backorderedQuantity: d.plan.shortByLine.get(i) ?? 0,
      allocations: d.plan.allocations
        .filter((a) => a.lineIndex === i)
        .map((a) => ({ locationId: a.locationId, quantity: a.quantity }))
        .sort((a, b) => a.locationId.localeCompare(b.locationId)),
    })),
    customer: { email: input.customer.email, name: input.customer.name },
    shippingAddress: input.shippingAddress ? { ...input.shippingAddress } : null,
    delivery: { method: input.delivery.method, service: input.delivery.service, pickupLocationId: d.reference.pickupLocation?.id ?? null },
    payment: payment
      ? { method: payment.method, status: payment.status, authorizedCents: payment.authorized_cents, capturedCents: 0, refundedCents: 0 }
      : d.storeCreditCents > 0
        ? { method: 'store_credit', status: 'captured', authorizedCents: d.storeCreditCents, capturedCents: d.storeCreditCents, refundedCents: 0 }
        : null,
    storeCreditCents: d.storeCreditCents,
    holdReason: null,
    cancelReason: null,
    placedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** The totals as the API and the events show them. */
function totalsOf(priced: PricedOrder): Order['totals'] {
  return {
    subtotal: priced.subtotalCents,
    discount: priced.discountCents,
    tax: priced.taxCents,
    shipping: priced.shippingCents,
    total: priced.totalCents,
  };
}

/** What an order's first events are built from (history imports build them too). */
export type PlacedEventsSource = Pick<OrderDraft, 'orderId' | 'input' | 'reference' | 'priced' | 'placedAt' | 'plan' | 'authorization' | 'provider' | 'status'>;

/** `order.placed`, `payment.authorized` for a card, then `order.allocated` or `order.backordered`. */
export function orderPlacedEvents(d: PlacedEventsSource): NewEvent[] {
  const { input, reference, priced, placedAt, plan } = d;
  const base = { aggregateType: 'order' as const, aggregateId: d.orderId, occurredAt: placedAt };
  const allocations = plan.allocations.map((a) => ({ sku: a.sku, locationId: a.locationId, quantity: a.quantity }));
  const events: NewEvent[] = [
    {
      ...base,
      type: EventType.orderPlaced,
      payload: {
        channel: input.channel,
        currency: input.currency,
        totals: totalsOf(priced),
        lines: priced.lines.map((l) => ({ ...l, category: reference.products.get(l.sku)?.category ?? '' })),
        promotions: priced.appliedPromotions,
        delivery: input.delivery,
        destination: input.shippingAddress
          ? { country: input.shippingAddress.country, region: input.shippingAddress.region, postalCode: input.shippingAddress.postalCode }
          : null,
      },
    },
  ];
  if (d.authorization) {
    events.push({
      ...base,
      type: EventType.paymentAuthorized,
      payload: { amountCents: d.authorization.amountCents, currency: d.authorization.currency, provider: d.provider },
    });
  }
  if (d.status === 'allocated') {
    events.push({ ...base, type: EventType.orderAllocated, payload: { channel: input.channel, allocations } });
  } else {
    const backordered = [...plan.shortByLine].map(([lineIndex, quantity]) => ({ sku: input.lines[lineIndex]?.sku, quantity }));
    events.push({ ...base, type: EventType.orderBackordered, payload: { channel: input.channel, allocations, backordered } });
  }
  return events;
}

import { executePrepared } from '#db/prepared-query.ts';
import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { RequestAudit } from '#server/audit/audit-writer.ts';
import { EventType } from '#server/core/events.ts';
import type { AllocationPlan } from '#server/inventory/allocation-plan.ts';
import { requirePlannedReservation, reservationStatements } from '#server/inventory/reserve-stock.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';
import type { Authorization } from '#server/payments/payment-provider.ts';
import type { OrderContext } from './load-order-context.ts';
import type { Order, PlaceOrderInput } from './order.schemas.ts';
import type { PricedOrder } from './pricing.ts';

/** Everything decided about a new order before it is written. */
export interface OrderDraft {
  orderId: string;
  lineIds: string[];
  input: PlaceOrderInput;
  reference: OrderContext;
  priced: PricedOrder;
  plan: AllocationPlan;
  status: 'allocated' | 'backordered';
  placedAt: Date;
  requestHash: string;
  authorization: Authorization | undefined;
  provider: string;
}

/**
 * Claims the idempotency key and writes the customer, address, order, lines, reservation,
 * payment and events as ONE statement of data-modifying CTEs: order capture is the hot path,
 * and each round trip to PostgreSQL costs more than the SQL it carries. One statement is
 * atomic on its own, so it needs no transaction around it either.
 *
 * Returns null, having written nothing, when the key was already claimed (a concurrent
 * duplicate won). Fails with a stock-moved error, having written nothing, when the plan's
 * units were taken in the meantime.
 */
export async function writeOrder(
  db: Executor,
  d: OrderDraft,
  claim: { scope: string; key: string },
  audit?: RequestAudit,
): Promise<{ number: string } | null> {
  const { input, priced, placedAt } = d;
  const at = placedAt.toISOString();
  const address = input.shippingAddress ?? null;
  const lines = priced.lines.map((line, i) => {
    const product = d.reference.products.get(line.sku)!;
    return {
      id: d.lineIds[i],
      line_no: i + 1,
      sku: line.sku,
      name: product.name,
      category: product.category,
      quantity: line.quantity,
      unit_price_cents: line.unitPriceCents,
      discount_cents: line.discountCents,
      tax_cents: line.taxCents,
      backordered_quantity: d.plan.shortByLine.get(i) ?? 0,
    };
  });
  const payment = paymentRow(d);
  const events = orderPlacedEvents(d).map((e) => ({ type: e.type, payload: e.payload }));

  const result = await executePrepared<{ number: string }>(db, 'write-order', sql`
    with claim as (
      insert into idempotency_keys (scope, key, request_hash, result)
      values (${claim.scope}, ${claim.key}, ${d.requestHash}, ${JSON.stringify({ orderId: d.orderId })}::jsonb)
      on conflict do nothing
      returning 1
    ), customer as (
      insert into customers (email, name) select ${input.customer.email}, ${input.customer.name} from claim
      on conflict (email) do update set name = excluded.name, updated_at = now()
      returning id
    ), address as (
      insert into addresses (customer_id, line1, line2, city, region, postal_code, country, lat, lon)
      select customer.id, a.line1, a.line2, a.city, a.region, a."postalCode", a.country, a.lat, a.lon
      from customer, json_to_record(${JSON.stringify(address)}::json)
        as a(line1 text, line2 text, city text, region text, "postalCode" text, country text, lat float8, lon float8)
      where ${address !== null}
      returning id
    ), placed as (
      insert into orders (id, channel, external_ref, customer_id, shipping_address_id, status, currency,
        subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, delivery_method, delivery_service,
        pickup_location_id, promotion_code, request_hash, placed_at, created_at, updated_at)
      select ${d.orderId}::uuid, ${input.channel}::sales_channel, ${input.externalRef ?? null}, customer.id,
        (select id from address), ${d.status}::order_status, ${input.currency},
        ${priced.subtotalCents}, ${priced.discountCents}, ${priced.taxCents}, ${priced.shippingCents}, ${priced.totalCents},
        ${input.delivery.method}::delivery_method, ${input.delivery.service}::delivery_service,
        ${d.reference.pickupLocation?.id ?? null}::uuid, ${input.promotionCode ?? null}, ${d.requestHash},
        ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      from customer
      returning number
    ), placed_lines as (
      insert into order_lines (id, order_id, line_no, sku, name, category, quantity, unit_price_cents, discount_cents, tax_cents, backordered_quantity)
      select l.id, ${d.orderId}::uuid, l.line_no, l.sku, l.name, l.category, l.quantity, l.unit_price_cents, l.discount_cents, l.tax_cents, l.backordered_quantity
      from json_to_recordset(${JSON.stringify(lines)}::json) as l(id uuid, line_no int, sku text, name text, category text,
        quantity int, unit_price_cents int, discount_cents int, tax_cents int, backordered_quantity int)
      where exists (select 1 from claim)
      returning 1
    ), placed_payment as (
      insert into payments (order_id, provider, method, status, currency, authorized_cents, provider_ref, created_at, updated_at)
      select ${d.orderId}::uuid, p.provider, p.method::payment_method, p.status::payment_status, p.currency, p.authorized_cents,
        p.provider_ref, ${at}::timestamptz, ${at}::timestamptz
      from json_to_recordset(${JSON.stringify(payment ? [payment] : [])}::json)
        as p(provider text, method text, status text, currency text, authorized_cents int, provider_ref text)
      where exists (select 1 from claim)
      returning 1
    ), placed_events as (
      insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload)
      select e.type, 'order', ${d.orderId}::uuid, ${at}::timestamptz, e.payload
      from rows from (json_to_recordset(${JSON.stringify(events)}::json) as (type text, payload jsonb)) with ordinality as e(type, payload, n)
      where exists (select 1 from claim)
      order by e.n
      returning 1
    ), audited as (
      insert into audit_log (occurred_at, actor_kind, actor_id, actor_label, action, method, path, target_type, target_id,
        status, outcome, request_id, ip, detail)
      select a.occurred_at, a.actor_kind, a.actor_id, a.actor_label, a.action, a.method, a.path, 'orders', ${d.orderId},
        201, 'ok', a.request_id, a.ip, a.detail
      from json_to_recordset(${JSON.stringify(audit ? [auditRow(audit)] : [])}::json) as a(occurred_at timestamptz, actor_kind text,
        actor_id text, actor_label text, action text, method text, path text, request_id text, ip text, detail jsonb)
      where exists (select 1 from claim)
      returning 1
    ), ${reservationStatements(d.orderId, d.lineIds, d.plan, placedAt, sql`claim`)}
    select number, ${requirePlannedReservation(d.plan)} as reserved from placed`);
  return result.rows[0] ?? null;
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

function paymentRow(d: OrderDraft) {
  if (d.input.payment.method === 'invoice') {
    return { provider: 'invoice', method: 'invoice', status: 'pending_invoice', currency: d.input.currency, authorized_cents: 0, provider_ref: null };
  }
  if (!d.authorization) return null;
  return {
    provider: d.provider,
    method: 'card',
    status: 'authorized',
    currency: d.input.currency,
    authorized_cents: d.authorization.amountCents,
    provider_ref: d.authorization.authorizationId,
  };
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
      : null,
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

function orderPlacedEvents(d: OrderDraft): NewEvent[] {
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

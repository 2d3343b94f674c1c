import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import type { NotificationTemplate } from './notification-templates.ts';
import type { OrderLine } from './templates/template-data.ts';

/** A claimed email with everything its template reads: the event and the order as it is now. */
export interface NotificationToRender {
  id: string;
  template: NotificationTemplate;
  recipient: string;
  eventPayload: unknown;
  occurredAt: Date;
  order: {
    number: string;
    customerName: string;
    currency: string;
    subtotalCents: number;
    discountCents: number;
    taxCents: number;
    shippingCents: number;
    totalCents: number;
    lines: OrderLine[];
  };
}

interface Row extends Record<string, unknown> {
  id: string;
  template: NotificationTemplate;
  recipient: string;
  payload: unknown;
  occurred_at: Date;
  number: string;
  customer_name: string;
  currency: string;
  subtotal_cents: number;
  discount_cents: number;
  tax_cents: number;
  shipping_cents: number;
  total_cents: number;
  lines: OrderLine[];
}

/** One query for a batch of claimed notifications; rows whose order or event is gone are left out. */
export async function loadNotifications(db: Executor, ids: readonly string[]): Promise<Map<string, NotificationToRender>> {
  if (ids.length === 0) return new Map();
  const result = await db.execute<Row>(sql`
    select n.id, n.template, n.recipient, e.payload, e.occurred_at,
      o.number, c.name as customer_name, o.currency,
      o.subtotal_cents, o.discount_cents, o.tax_cents, o.shipping_cents, o.total_cents,
      coalesce((select json_agg(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) order by l.line_no)
        from order_lines l where l.order_id = o.id), '[]') as lines
    from notifications n
    join outbox e on e.event_id = n.event_id
    join orders o on o.id = n.order_id
    join customers c on c.id = o.customer_id
    where n.id = any(${sql.param(ids)}::uuid[])`);
  return new Map(
    result.rows.map((r) => [
      r.id,
      {
        id: r.id,
        template: r.template,
        recipient: r.recipient,
        eventPayload: r.payload,
        occurredAt: new Date(r.occurred_at),
        order: {
          number: r.number,
          customerName: r.customer_name,
          currency: r.currency,
          subtotalCents: r.subtotal_cents,
          discountCents: r.discount_cents,
          taxCents: r.tax_cents,
          shippingCents: r.shipping_cents,
          totalCents: r.total_cents,
          lines: r.lines,
        },
      },
    ]),
  );
}

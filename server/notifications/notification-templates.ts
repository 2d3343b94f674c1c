import type { notificationTemplates } from '#db/schema/notifications.ts';
import { orderDeliveredPayload, orderShippedPayload, paymentRefundedPayload, returnReceivedPayload } from './notification-payloads.ts';
import type { NotificationToRender } from './load-notifications.ts';
import { orderConfirmation } from './templates/order-confirmation.ts';
import { orderDelivered } from './templates/order-delivered.ts';
import { orderShipped } from './templates/order-shipped.ts';
import { refundIssued } from './templates/refund-issued.ts';
import { returnReceived } from './templates/return-received.ts';
import type { ItemLine, OrderSummary, RenderedEmail } from './templates/template-data.ts';

export type NotificationTemplate = (typeof notificationTemplates)[number];

/** Renders a claimed notification with its template; throws (a ZodError) when the event's payload lacks what the email needs. */
export function renderNotification(n: NotificationToRender, options: { publicUrl: string }): RenderedEmail {
  const order: OrderSummary = { ...n.order, trackingUrl: `${options.publicUrl}/track/${encodeURIComponent(n.order.number)}` };
  const names = new Map(n.order.lines.map((l) => [l.sku, l.name]));
  const items = (lines: { sku: string; quantity: number }[]): ItemLine[] =>
    lines.map((l) => ({ sku: l.sku, quantity: l.quantity, name: names.get(l.sku) ?? l.sku }));
  switch (n.template) {
    case 'order_confirmation':
      return orderConfirmation({ order });
    case 'order_shipped': {
      const p = orderShippedPayload.parse(n.eventPayload);
      return orderShipped({
        order,
        carrier: p.carrier ?? null,
        trackingNumbers: p.packages.map((pkg) => pkg.trackingNumber),
        items: items(p.lines),
        promisedAt: p.promisedAt ?? null,
      });
    }
    case 'order_delivered': {
      const p = orderDeliveredPayload.parse(n.eventPayload);
      return orderDelivered({ order, deliveredAt: p.deliveredAt ?? n.occurredAt, items: items(p.lines), pickedUp: !p.carrier });
    }
    case 'return_received':
      return returnReceived({ order, items: items(returnReceivedPayload.parse(n.eventPayload).lines) });
    case 'refund_issued': {
      const p = paymentRefundedPayload.parse(n.eventPayload);
      return refundIssued({ order, amountCents: p.amountCents, currency: p.currency });
    }
  }
}

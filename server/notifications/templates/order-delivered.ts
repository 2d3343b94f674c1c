import { formatDateTime } from './format.ts';
import { html } from './html.ts';
import { itemsHtml, itemsText, layout, textLayout } from './layout.ts';
import type { ItemLine, OrderSummary, RenderedEmail } from './template-data.ts';

export interface OrderDeliveredData {
  order: OrderSummary;
  deliveredAt: Date;
  items: ItemLine[];
  /** True when the customer collected the shipment in a store. */
  pickedUp: boolean;
}

/** Sent for each shipment that arrives (or is picked up). */
export function orderDelivered({ order, deliveredAt, items, pickedUp }: OrderDeliveredData): RenderedEmail {
  const when = formatDateTime(deliveredAt);
  const subject = pickedUp ? `Your order ${order.number} was picked up` : `Your order ${order.number} was delivered`;
  const what = items.length > 0 ? `These items of order ${order.number} were` : `Order ${order.number} was`;
  const intro = `${what} ${pickedUp ? 'picked up' : 'delivered'} on ${when}${items.length > 0 ? ':' : '.'}`;
  return {
    subject,
    text: textLayout(order, [intro, itemsText(items), 'We hope you enjoy them.']),
    html: layout(order, subject, html`<p>${intro}</p>${itemsHtml(items)}<p>We hope you enjoy them.</p>`),
  };
}

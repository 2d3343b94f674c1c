import { html } from './html.ts';
import { itemsHtml, itemsText, layout, textLayout } from './layout.ts';
import type { ItemLine, OrderSummary, RenderedEmail } from './template-data.ts';

export interface ReturnReceivedData {
  order: OrderSummary;
  items: ItemLine[];
}

/** Sent when returned goods arrive at a location, before they are inspected and refunded. */
export function returnReceived({ order, items }: ReturnReceivedData): RenderedEmail {
  const subject = `We received your return for order ${order.number}`;
  const intro = items.length > 0 ? `We received these items you returned from order ${order.number}:` : `We received the items you returned from order ${order.number}.`;
  const next = 'We will inspect them and let you know as soon as your refund is on its way.';
  return {
    subject,
    text: textLayout(order, [intro, itemsText(items), next]),
    html: layout(order, subject, html`<p>${intro}</p>${itemsHtml(items)}<p>${next}</p>`),
  };
}

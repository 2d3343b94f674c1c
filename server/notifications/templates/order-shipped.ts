import { carrierName, formatDate } from './format.ts';
import { html } from './html.ts';
import { itemsHtml, itemsText, layout, textLayout } from './layout.ts';
import type { ItemLine, OrderSummary, RenderedEmail } from './template-data.ts';

export interface OrderShippedData {
  order: OrderSummary;
  /** Null when the shipment waits in a store for pickup. */
  carrier: string | null;
  trackingNumbers: string[];
  items: ItemLine[];
  promisedAt: Date | null;
}

/** Sent for each shipment that leaves (one per shipment of a split order), with its tracking numbers. */
export function orderShipped(data: OrderShippedData): RenderedEmail {
  const { order, items, promisedAt } = data;
  if (data.carrier === null) {
    const subject = `Your order ${order.number} is ready for pickup`;
    const intro = items.length > 0 ? `These items of order ${order.number} are ready for pickup at the store:` : `Order ${order.number} is ready for pickup at the store.`;
    return {
      subject,
      text: textLayout(order, [intro, itemsText(items)]),
      html: layout(order, subject, html`<p>${intro}</p>${itemsHtml(items)}`),
    };
  }
  const carrier = carrierName(data.carrier);
  const subject = `Your order ${order.number} has shipped`;
  const intro = items.length > 0 ? `These items of order ${order.number} are on their way with ${carrier}:` : `Order ${order.number} is on its way with ${carrier}.`;
  const tracking = data.trackingNumbers.length === 1 ? 'Tracking number' : 'Tracking numbers';
  const promise = promisedAt ? `Expected delivery: ${formatDate(promisedAt)}.` : null;
  const text = textLayout(order, [
    intro,
    itemsText(items),
    `${carrier} ${tracking.toLowerCase()}:\n${data.trackingNumbers.map((n) => `  ${n}`).join('\n')}`,
    ...(promise ? [promise] : []),
  ]);
  const body = html`<p>${intro}</p>
${itemsHtml(items)}
<p>${carrier} ${tracking.toLowerCase()}:</p>
<ul>${data.trackingNumbers.map((n) => html`<li><code>${n}</code></li>`)}</ul>
${promise ? html`<p>${promise}</p>` : ''}`;
  return { subject, text, html: layout(order, subject, body) };
}

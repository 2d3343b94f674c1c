import { formatMoney } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import type { ItemLine, OrderSummary } from './template-data.ts';

/** The frame every email shares: a greeting, the body and a link to the order's tracking page. */
export function layout(order: OrderSummary, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1f2328; max-width: 560px; margin: 0 auto; padding: 24px;">
<h1 style="font-size: 20px;">${title}</h1>
<p>Hello ${order.customerName},</p>
${body}
<p><a href="${order.trackingUrl}" style="color: #0969da;">Follow order ${order.number}</a></p>
<p style="color: #59636e; font-size: 12px;">Tower · this email is about your order ${order.number}.</p>
</body>
</html>
`.markup;
}

export function textLayout(order: OrderSummary, paragraphs: string[]): string {
  const body = paragraphs.filter((p) => p !== '');
  return [`Hello ${order.customerName},`, ...body, `Follow order ${order.number}: ${order.trackingUrl}`].join('\n\n') + '\n';
}

/** The list of items, or nothing when the event named none. */
export function itemsText(items: readonly ItemLine[]): string {
  return items.map((i) => `  ${i.quantity} × ${i.name} (${i.sku})`).join('\n');
}

export function itemsHtml(items: readonly ItemLine[]): SafeHtml {
  if (items.length === 0) return html``;
  return html`<ul>${items.map((i) => html`<li>${i.quantity} × ${i.name} <span style="color: #59636e;">(${i.sku})</span></li>`)}</ul>`;
}

/** The order's lines with their amounts and its totals, one row each (zero discount left out). */
export function totalsRows(order: OrderSummary): [string, string][] {
  const money = (cents: number) => formatMoney(cents, order.currency);
  return [
    ['Subtotal', money(order.subtotalCents)],
    ...(order.discountCents > 0 ? [['Discount', money(-order.discountCents)] as [string, string]] : []),
    ['Tax', money(order.taxCents)],
    ['Shipping', money(order.shippingCents)],
    ['Total', money(order.totalCents)],
  ];
}

import { formatMoney } from './format.ts';
import { html } from './html.ts';
import { layout, textLayout, totalsRows } from './layout.ts';
import type { OrderSummary, RenderedEmail } from './template-data.ts';

/** Sent when an order is placed: what was ordered and what it costs. */
export function orderConfirmation({ order }: { order: OrderSummary }): RenderedEmail {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const lines = order.lines.map((l) => ({ ...l, amount: money(l.unitPriceCents * l.quantity) }));
  const totals = totalsRows(order);
  const subject = `Your order ${order.number} is confirmed`;
  const text = textLayout(order, [
    `Thank you for your order ${order.number}. We will email you again when it ships.`,
    lines.map((l) => `  ${l.quantity} × ${l.name} (${l.sku})  ${l.amount}`).join('\n'),
    totals.map(([label, amount]) => `  ${label}: ${amount}`).join('\n'),
  ]);
  const body = html`<p>Thank you for your order <strong>${order.number}</strong>. We will email you again when it ships.</p>
<table style="width: 100%; border-collapse: collapse;">
${lines.map((l) => html`<tr><td>${l.quantity} × ${l.name} <span style="color: #59636e;">(${l.sku})</span></td><td style="text-align: right;">${l.amount}</td></tr>
`)}${totals.map(([label, amount]) => html`<tr><td style="text-align: right;${label === 'Total' ? ' font-weight: bold;' : ''}">${label}</td><td style="text-align: right;${label === 'Total' ? ' font-weight: bold;' : ''}">${amount}</td></tr>
`)}</table>`;
  return { subject, text, html: layout(order, subject, body) };
}

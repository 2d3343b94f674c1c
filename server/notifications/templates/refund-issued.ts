import { formatMoney } from './format.ts';
import { html } from './html.ts';
import { layout, textLayout } from './layout.ts';
import type { OrderSummary, RenderedEmail } from './template-data.ts';

export interface RefundIssuedData {
  order: OrderSummary;
  amountCents: number;
  currency: string;
}

/** Sent when money goes back to the customer's payment method. */
export function refundIssued({ order, amountCents, currency }: RefundIssuedData): RenderedEmail {
  const amount = formatMoney(amountCents, currency);
  const subject = `Your refund of ${amount} for order ${order.number}`;
  const intro = `We refunded ${amount} for order ${order.number} to your original payment method.`;
  const timing = 'Depending on your bank, it may take a few business days to appear on your statement.';
  return {
    subject,
    text: textLayout(order, [intro, timing]),
    html: layout(order, subject, html`<p>We refunded <strong>${amount}</strong> for order ${order.number} to your original payment method.</p><p>${timing}</p>`),
  };
}

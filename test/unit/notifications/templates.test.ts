import { describe, expect, it } from 'vitest';
import { orderConfirmation } from '#server/notifications/templates/order-confirmation.ts';
import { orderDelivered } from '#server/notifications/templates/order-delivered.ts';
import { orderShipped } from '#server/notifications/templates/order-shipped.ts';
import { refundIssued } from '#server/notifications/templates/refund-issued.ts';
import { returnReceived } from '#server/notifications/templates/return-received.ts';
import type { OrderSummary } from '#server/notifications/templates/template-data.ts';

function order(overrides: Partial<OrderSummary> = {}): OrderSummary {
  return {
    number: 'T100123',
    customerName: 'Ada Lovelace',
    currency: 'USD',
    lines: [
      { sku: 'TEE-001', name: 'Organic tee', quantity: 2, unitPriceCents: 1999 },
      { sku: 'MUG-002', name: 'Mug', quantity: 1, unitPriceCents: 1250 },
    ],
    subtotalCents: 5248,
    discountCents: 0,
    taxCents: 433,
    shippingCents: 599,
    totalCents: 6280,
    trackingUrl: 'https://shop.example.com/track/T100123',
    ...overrides,
  };
}

const hostile = '<img src=x onerror="alert(1)">&';
const escaped = '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;';

describe('order confirmation', () => {
  it('lists the lines with their amounts and the totals as money, and links to the order', () => {
    const email = orderConfirmation({ order: order() });
    expect(email.subject).toBe('Your order T100123 is confirmed');
    expect(email.text).toContain('Hello Ada Lovelace,');
    expect(email.text).toContain('2 × Organic tee (TEE-001)  $39.98');
    expect(email.text).toContain('1 × Mug (MUG-002)  $12.50');
    expect(email.text).toContain('Subtotal: $52.48');
    expect(email.text).toContain('Tax: $4.33');
    expect(email.text).toContain('Shipping: $5.99');
    expect(email.text).toContain('Total: $62.80');
    expect(email.text).not.toContain('Discount');
    expect(email.text).toContain('https://shop.example.com/track/T100123');
    expect(email.html).toContain('$62.80');
    expect(email.html).toContain('href="https://shop.example.com/track/T100123"');
  });

  it('shows a discount as a negative amount in the order’s currency', () => {
    const email = orderConfirmation({ order: order({ currency: 'EUR', discountCents: 500, totalCents: 5780 }) });
    expect(email.text).toContain('Discount: -€5.00');
    expect(email.text).toContain('Total: €57.80');
  });

  it('escapes the customer’s name and the product names in the HTML, and keeps them as typed in the text', () => {
    const email = orderConfirmation({
      order: order({ customerName: hostile, lines: [{ sku: 'X"1', name: hostile, quantity: 1, unitPriceCents: 100 }] }),
    });
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain(`Hello ${escaped},`);
    expect(email.html).toContain('X&quot;1');
    expect(email.text).toContain(`Hello ${hostile},`);
  });
});

describe('order shipped', () => {
  it('names the carrier, every tracking number, the shipped items and the promised date', () => {
    const email = orderShipped({
      order: order(),
      carrier: 'ups',
      trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      items: [{ sku: 'TEE-001', name: 'Organic tee', quantity: 2 }],
      promisedAt: new Date('2026-12-03T23:00:00Z'),
    });
    expect(email.subject).toBe('Your order T100123 has shipped');
    expect(email.text).toContain('on their way with UPS');
    expect(email.text).toContain('UPS tracking numbers:\n  1Z999AA10123456784\n  1Z999AA10123456785');
    expect(email.text).toContain('2 × Organic tee (TEE-001)');
    expect(email.text).toContain('Expected delivery: Thursday, December 3, 2026.');
    expect(email.html).toContain('<code>1Z999AA10123456785</code>');
  });

  it('tells a pickup order it is ready at the store', () => {
    const email = orderShipped({ order: order(), carrier: null, trackingNumbers: [], items: [{ sku: 'MUG-002', name: 'Mug', quantity: 1 }], promisedAt: null });
    expect(email.subject).toBe('Your order T100123 is ready for pickup');
    expect(email.text).not.toContain('racking');
  });

  it('escapes tracking numbers', () => {
    const email = orderShipped({ order: order(), carrier: 'fedex', trackingNumbers: [hostile], items: [], promisedAt: null });
    expect(email.html).toContain(escaped);
    expect(email.html).not.toContain('<img');
  });
});

describe('order delivered', () => {
  it('says when, in UTC, and what', () => {
    const email = orderDelivered({
      order: order(),
      deliveredAt: new Date('2026-12-02T14:30:00Z'),
      items: [{ sku: 'TEE-001', name: 'Organic tee', quantity: 2 }],
      pickedUp: false,
    });
    expect(email.subject).toBe('Your order T100123 was delivered');
    expect(email.text).toContain('delivered on Wednesday, December 2, 2026 at 2:30 PM UTC');
    expect(email.text).toContain('2 × Organic tee (TEE-001)');
  });
});

describe('an event that names no items', () => {
  it('still makes sentences, with no empty list', () => {
    const shipped = orderShipped({ order: order(), carrier: 'ups', trackingNumbers: ['1Z1'], items: [], promisedAt: null });
    expect(shipped.text).toContain('Order T100123 is on its way with UPS.');
    expect(shipped.html).not.toContain('<ul></ul>');
    const delivered = orderDelivered({ order: order(), deliveredAt: new Date('2026-12-02T14:30:00Z'), items: [], pickedUp: true });
    expect(delivered.text).toContain('Order T100123 was picked up on Wednesday, December 2, 2026 at 2:30 PM UTC.');
    expect(delivered.text).not.toContain('\n\n\n');
  });
});

describe('return received', () => {
  it('lists the returned items', () => {
    const email = returnReceived({ order: order(), items: [{ sku: 'MUG-002', name: hostile, quantity: 1 }] });
    expect(email.subject).toBe('We received your return for order T100123');
    expect(email.text).toContain(`1 × ${hostile} (MUG-002)`);
    expect(email.html).toContain(`1 × ${escaped}`);
  });
});

describe('refund issued', () => {
  it('states the refunded amount in its currency', () => {
    const email = refundIssued({ order: order(), amountCents: 1999, currency: 'USD' });
    expect(email.subject).toBe('Your refund of $19.99 for order T100123');
    expect(email.text).toContain('We refunded $19.99 for order T100123');
    expect(email.html).toContain('<strong>$19.99</strong>');
  });
});

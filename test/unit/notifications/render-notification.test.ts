import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { NotificationToRender } from '#server/notifications/load-notifications.ts';
import { renderNotification } from '#server/notifications/notification-templates.ts';

function notification(template: NotificationToRender['template'], eventPayload: unknown): NotificationToRender {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    template,
    recipient: 'ada@example.com',
    eventPayload,
    occurredAt: new Date('2026-12-02T09:15:00Z'),
    order: {
      number: 'T100123',
      customerName: 'Ada',
      currency: 'USD',
      subtotalCents: 3998,
      discountCents: 0,
      taxCents: 250,
      shippingCents: 599,
      totalCents: 4847,
      lines: [{ sku: 'TEE-001', name: 'Organic tee', quantity: 2, unitPriceCents: 1999 }],
    },
  };
}

const options = { publicUrl: 'https://shop.example.com' };

describe('renderNotification', () => {
  it('names shipped SKUs as the order does, drops units of zero, and links to the order by its number', () => {
    const email = renderNotification(
      notification('order_shipped', {
        carrier: 'fedex',
        packages: [{ trackingNumber: '7712', weightGrams: 500 }],
        lines: [
          { sku: 'TEE-001', category: 'apparel', quantity: 2 },
          { sku: 'GONE-9', category: 'apparel', quantity: 0 },
        ],
        promisedAt: null,
      }),
      options,
    );
    expect(email.text).toContain('2 × Organic tee (TEE-001)');
    expect(email.text).not.toContain('GONE-9');
    expect(email.text).toContain('FedEx tracking number:\n  7712');
    expect(email.text).toContain('https://shop.example.com/track/T100123');
  });

  it('dates a delivery by the event when the payload has no carrier scan time, and calls a delivery without carrier a pickup', () => {
    const email = renderNotification(notification('order_delivered', { carrier: null, lines: [{ sku: 'TEE-001', quantity: 1 }] }), options);
    expect(email.subject).toBe('Your order T100123 was picked up');
    expect(email.text).toContain('Wednesday, December 2, 2026 at 9:15 AM UTC');
  });

  it('refuses a payload that lacks what the email says (a refund without its amount)', () => {
    expect(() => renderNotification(notification('refund_issued', { currency: 'USD' }), options)).toThrow(ZodError);
  });

  it('states a refund in the currency of the refund', () => {
    expect(renderNotification(notification('refund_issued', { amountCents: 1250, currency: 'EUR' }), options).subject).toBe('Your refund of €12.50 for order T100123');
  });
});

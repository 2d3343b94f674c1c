import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fieldErrorsFromZod } from '#server/http/problem.ts';
import { PlaceOrderInput } from '#server/orders/order.schemas.ts';

/** The example body of POST /api/orders in CONTRACT.md, with SKUs of our own. */
function contractExample(overrides: Record<string, unknown> = {}) {
  return {
    channel: 'web',
    externalRef: 'WEB-1001',
    customer: { email: 'a@example.com', name: 'Ada Lovelace' },
    shippingAddress: { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US', lat: 30.27, lon: -97.74 },
    lines: [{ sku: 'SCHEMA-TEE-001', quantity: 2 }],
    delivery: { method: 'ship', service: 'standard' },
    payment: { method: 'card', token: 'tok_visa' },
    currency: 'USD',
    ...overrides,
  };
}

function fieldErrors(body: unknown, prefix: (string | number)[] = []) {
  const parsed = PlaceOrderInput.safeParse(body);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return fieldErrorsFromZod(parsed.error, prefix);
}

describe('PlaceOrderInput', () => {
  it('accepts the example order of the contract as it is', () => {
    const parsed = PlaceOrderInput.parse(contractExample());
    expect(parsed).toEqual(contractExample());
  });

  it('accepts a minimal order and defaults delivery to standard shipping', () => {
    const { delivery: _delivery, externalRef: _externalRef, ...minimal } = contractExample();
    expect(PlaceOrderInput.parse(minimal).delivery).toEqual({ method: 'ship', service: 'standard' });
  });

  it('defaults the delivery service to standard', () => {
    expect(PlaceOrderInput.parse(contractExample({ delivery: { method: 'ship' } })).delivery).toEqual({ method: 'ship', service: 'standard' });
  });

  it('lowercases the customer email', () => {
    const parsed = PlaceOrderInput.parse(contractExample({ customer: { email: 'Ada.Lovelace@Example.COM', name: 'Ada' } }));
    expect(parsed.customer.email).toBe('ada.lovelace@example.com');
  });

  it('names an unknown top-level field by its key', () => {
    expect(fieldErrors(contractExample({ coupon: 'SAVE10' }))).toEqual([{ path: 'coupon', message: 'is not a known field' }]);
  });

  it('names unknown nested fields by their full path', () => {
    const body = contractExample({
      customer: { email: 'a@example.com', name: 'Ada', phone: '555' },
      lines: [{ sku: 'SCHEMA-TEE-001', quantity: 1, priceCents: 1 }],
    });
    expect(fieldErrors(body)).toEqual(
      expect.arrayContaining([
        { path: 'customer.phone', message: 'is not a known field' },
        { path: 'lines.0.priceCents', message: 'is not a known field' },
      ]),
    );
  });

  it('names each of several unknown keys', () => {
    const paths = fieldErrors(contractExample({ total: 1, discount: 2 })).map((e) => e.path);
    expect(paths.sort()).toEqual(['discount', 'total']);
  });

  it('prefixes paths when asked', () => {
    expect(fieldErrors(contractExample({ coupon: 'X' }), ['body'])).toEqual([{ path: 'body.coupon', message: 'is not a known field' }]);
  });

  it('says a missing field is required', () => {
    expect(fieldErrors(contractExample({ customer: { email: 'a@example.com' } }))).toEqual([{ path: 'customer.name', message: 'is required' }]);
  });

  it('reports a body that is not an object at (body)', () => {
    expect(fieldErrors('not an order').map((e) => e.path)).toEqual(['(body)']);
  });

  it('requires a pickup location for pickup', () => {
    expect(fieldErrors(contractExample({ delivery: { method: 'pickup' } }))).toEqual([
      { path: 'delivery.pickupLocationId', message: 'is required when delivery.method is pickup' },
    ]);
  });

  it('accepts pickup with a location and no shipping address', () => {
    const body = contractExample({ delivery: { method: 'pickup', pickupLocationId: randomUUID() }, shippingAddress: undefined });
    expect(PlaceOrderInput.safeParse(body).success).toBe(true);
  });

  it('requires a shipping address for shipped orders', () => {
    expect(fieldErrors(contractExample({ shippingAddress: undefined }))).toEqual([{ path: 'shippingAddress', message: 'is required when delivery.method is ship' }]);
  });

  it('accepts invoice payment on the b2b channel only', () => {
    const invoice = { method: 'invoice', purchaseOrder: 'PO-7' };
    expect(PlaceOrderInput.safeParse(contractExample({ channel: 'b2b', payment: invoice })).success).toBe(true);
    for (const channel of ['web', 'store', 'marketplace', 'phone']) {
      expect(fieldErrors(contractExample({ channel, payment: invoice })), channel).toEqual([
        { path: 'payment.method', message: 'invoice is only accepted on the b2b channel' },
      ]);
    }
  });

  it('refuses the same sku on two lines, pointing at the repeat', () => {
    const lines = [
      { sku: 'SCHEMA-TEE-001', quantity: 1 },
      { sku: 'SCHEMA-MUG-001', quantity: 1 },
      { sku: 'SCHEMA-TEE-001', quantity: 2 },
    ];
    expect(fieldErrors(contractExample({ lines }))).toEqual([{ path: 'lines.2.sku', message: 'repeats line 0; put the whole quantity on one line' }]);
  });

  it('refuses an order without lines and a line without a whole positive quantity', () => {
    expect(fieldErrors(contractExample({ lines: [] }))).toEqual([{ path: 'lines', message: 'an order needs at least one line' }]);
    expect(fieldErrors(contractExample({ lines: [{ sku: 'SCHEMA-TEE-001', quantity: 0 }] }))).toEqual([{ path: 'lines.0.quantity', message: 'must be at least 1' }]);
    expect(fieldErrors(contractExample({ lines: [{ sku: 'SCHEMA-TEE-001', quantity: 1.5 }] }))).toEqual([{ path: 'lines.0.quantity', message: 'must be a whole number' }]);
  });

  it('refuses a currency that is not an upper-case ISO 4217 code', () => {
    for (const currency of ['usd', 'DOLLARS', 'ZZZ']) expect(fieldErrors(contractExample({ currency })).map((e) => e.path), currency).toEqual(['currency']);
  });

  it('refuses an address with a latitude but no longitude', () => {
    const { lon: _lon, ...withoutLon } = contractExample().shippingAddress;
    expect(fieldErrors(contractExample({ shippingAddress: withoutLon }))).toEqual([{ path: 'shippingAddress.lat', message: 'lat and lon go together' }]);
  });

  it('refuses an email that is not one', () => {
    expect(fieldErrors(contractExample({ customer: { email: 'ada at example', name: 'Ada' } }))).toEqual([{ path: 'customer.email', message: 'must be an email address' }]);
  });
});

import type { ShippingLabelInput } from '#server/labels/label.schemas.ts';

type Outbound = Extract<ShippingLabelInput, { kind: 'outbound' }>;
type Return = Extract<ShippingLabelInput, { kind: 'return' }>;

/** An outbound label for one package of a two-package order; override what a test is about. */
export function outboundLabel(overrides: Partial<Outbound> = {}): Outbound {
  return {
    kind: 'outbound',
    carrier: { name: 'UPS', service: 'Ground' },
    trackingNumber: '1Z999AA10123456784',
    shipFrom: { name: 'Reno Fulfillment Center', addressLines: ['1200 Dock Road', 'Reno NV 89502'] },
    shipTo: {
      name: 'Ada Lovelace',
      addressLines: ['742 Evergreen Terrace', 'Apt 3B'],
      city: 'Springfield',
      region: 'IL',
      postalCode: '62704',
      country: 'US',
    },
    orderNumber: 'T100234',
    package: { number: 1, count: 2 },
    weightGrams: 2345,
    shipDate: '2026-03-14',
    ...overrides,
  };
}

export function returnLabel(overrides: Partial<Return> = {}): Return {
  const { kind: _kind, ...outbound } = outboundLabel();
  return { kind: 'return', rmaNumber: 'RMA-000417', ...outbound, ...overrides };
}

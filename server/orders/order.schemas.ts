import { z } from '@hono/zod-openapi';
import { channels, deliveryMethods, deliveryServices, orderStatuses } from '#db/schema/orders.ts';
import { isCurrencyCode } from '#server/core/money.ts';

export const MAX_LINES_PER_ORDER = 500;
export const MAX_UNITS_PER_LINE = 100_000;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const CurrencyCode = z
  .string()
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as USD')
  .openapi({ example: 'USD' });

export const Customer = z
  .strictObject({
    email: z.email('must be an email address').max(254).transform((email) => email.toLowerCase()),
    name: text(200),
  })
  .openapi('Customer');

export const Address = z
  .strictObject({
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100),
    postalCode: text(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .refine((a) => (a.lat === undefined) === (a.lon === undefined), { message: 'lat and lon go together', path: ['lat'] })
  .openapi('Address');

export const OrderLineInput = z.strictObject({
  sku: text(64),
  quantity: z
    .number()
    .int('must be a whole number')
    .positive('must be at least 1')
    .max(MAX_UNITS_PER_LINE, `must be at most ${MAX_UNITS_PER_LINE}`),
});

export const Delivery = z.strictObject({
  method: z.enum(deliveryMethods),
  service: z.enum(deliveryServices).default('standard'),
  pickupLocationId: z.uuid('must be a location id').optional(),
});

/** Store credit the customer spends on the order (cents, in the order's currency); the card pays the rest. */
const StoreCreditCents = z.number().int('must be a whole number of cents').positive().max(100_000_000);

export const PaymentInput = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('card'), token: text(200), storeCreditCents: StoreCreditCents.optional() }),
  z.strictObject({ method: z.literal('invoice'), purchaseOrder: text(100).optional() }),
  /** The whole order paid with the customer's store credit. */
  z.strictObject({ method: z.literal('store_credit') }),
]);

export const PlaceOrderInput = z
  .strictObject({
    channel: z.enum(channels),
    externalRef: text(100).optional(),
    customer: Customer,
    shippingAddress: Address.optional(),
    lines: z
      .array(OrderLineInput)
      .min(1, 'an order needs at least one line')
      .max(MAX_LINES_PER_ORDER, `an order has at most ${MAX_LINES_PER_ORDER} lines`),
    delivery: Delivery.default({ method: 'ship', service: 'standard' }),
    payment: PaymentInput,
    currency: CurrencyCode,
    promotionCode: text(50).optional(),
  })
  .superRefine((order, ctx) => {
    const seen = new Map<string, number>();
    order.lines.forEach((line, i) => {
      if (seen.has(line.sku)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'sku'], message: `repeats line ${seen.get(line.sku)}; put the whole quantity on one line` });
      } else seen.set(line.sku, i);
    });
    if (order.delivery.method === 'ship' && !order.shippingAddress) {
      ctx.addIssue({ code: 'custom', path: ['shippingAddress'], message: 'is required when delivery.method is ship' });
    }
    if (order.delivery.method === 'pickup' && !order.delivery.pickupLocationId) {
      ctx.addIssue({ code: 'custom', path: ['delivery', 'pickupLocationId'], message: 'is required when delivery.method is pickup' });
    }
    if (order.payment.method === 'invoice' && order.channel !== 'b2b') {
      ctx.addIssue({ code: 'custom', path: ['payment', 'method'], message: 'invoice is only accepted on the b2b channel' });
    }
  })
  .openapi('PlaceOrderInput');
export type PlaceOrderInput = z.infer<typeof PlaceOrderInput>;

export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const Totals = z.object({
  subtotal: z.number().int(),
  discount: z.number().int(),
  tax: z.number().int(),
  shipping: z.number().int(),
  total: z.number().int(),
});

export const OrderLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  discountCents: z.number().int(),
  taxCents: z.number().int(),
  backorderedQuantity: z.number().int(),
  allocations: z.array(z.object({ locationId: z.string(), quantity: z.number().int() })),
});

export const OrderEvent = z.object({
  eventId: z.string(),
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const Order = z
  .object({
    id: z.string(),
    number: z.string(),
    status: OrderStatus,
    channel: z.enum(channels),
    externalRef: z.string().nullable(),
    currency: z.string(),
    totals: Totals,
    lines: z.array(OrderLine),
    customer: z.object({ email: z.string(), name: z.string() }),
    shippingAddress: z.record(z.string(), z.unknown()).nullable(),
    delivery: z.object({ method: z.enum(deliveryMethods), service: z.enum(deliveryServices), pickupLocationId: z.string().nullable() }),
    payment: z
      .object({ method: z.string(), status: z.string(), authorizedCents: z.number().int(), capturedCents: z.number().int(), refundedCents: z.number().int() })
      .nullable(),
    /** Store credit spent on the order (part of the total; `payment` is the card's part, if any). */
    storeCreditCents: z.number().int(),
    holdReason: z.string().nullable(),
    cancelReason: z.string().nullable(),
    placedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    events: z.array(OrderEvent).optional(),
  })
  .openapi('Order');
export type Order = z.infer<typeof Order>;

export const OrderSearchQuery = z.strictObject({
  status: OrderStatus.optional(),
  channel: z.enum(channels).optional(),
  email: z.string().trim().toLowerCase().optional(),
  sku: z.string().trim().optional(),
  q: z.string().trim().max(100).optional().openapi({ description: 'order number or external reference' }),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OrderSearchQuery = z.infer<typeof OrderSearchQuery>;

export const OrderPage = z.object({ items: z.array(Order), nextCursor: z.string().nullable() }).openapi('OrderPage');

export const ReasonInput = z.strictObject({ reason: text(500).optional() });

/** Only upwards: express is the one service faster than standard. */
export const UpgradeServiceInput = z.strictObject({ service: z.enum(['express']).default('express') }).openapi('UpgradeServiceInput');

export const UpgradeServiceResult = z
  .object({
    orderId: z.string(),
    from: z.enum(deliveryServices),
    to: z.enum(deliveryServices),
    shipments: z.array(z.object({ id: z.string(), carrier: z.string().nullable(), promisedAt: z.string().nullable() })).openapi({ description: 'Its open shipments, with their new carrier and promise' }),
  })
  .openapi('UpgradeServiceResult');

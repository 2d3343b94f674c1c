import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const addressLines = z.array(text(200)).min(1, 'needs at least one address line').max(3, 'has at most 3 address lines');

/** The shipping location a package leaves from (or, on a return label, goes back to). */
export const LabelLocation = z.strictObject({
  name: text(100),
  addressLines,
});
export type LabelLocation = z.infer<typeof LabelLocation>;

/** The customer's address, as the order carries it. */
export const LabelAddress = z.strictObject({
  name: text(100),
  addressLines,
  city: text(100),
  region: z.string().trim().max(100).default(''),
  postalCode: text(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
});
export type LabelAddress = z.infer<typeof LabelAddress>;

/**
 * Code 128 carries ASCII; spaces are left out because a scanned tracking number with a space
 * in it is never what a carrier issued. Whether it fits the label is checked when drawing.
 */
export const TrackingNumber = z
  .string()
  .trim()
  .regex(/^[\x21-\x7E]{1,48}$/, 'must be 1 to 48 printable ASCII characters without spaces');

const LabelFields = {
  carrier: z.strictObject({ name: text(40), service: text(60) }),
  trackingNumber: TrackingNumber,
  /** Always the outbound direction: a return label swaps them itself. */
  shipFrom: LabelLocation,
  shipTo: LabelAddress,
  orderNumber: text(32),
  package: z
    .strictObject({ number: z.number().int().min(1), count: z.number().int().min(1).max(999) })
    .refine((p) => p.number <= p.count, { message: 'number must not exceed count', path: ['number'] }),
  weightGrams: z.number().int().positive().max(1_000_000),
  weightUnit: z.enum(['kg', 'lb']).default('kg'),
  shipDate: z.iso.date('must be a date such as 2026-03-14'),
};

/**
 * One package's label. `shipFrom`/`shipTo` describe the order's outbound shipment; a
 * `return` label prints the customer as sender and the location as recipient.
 */
export const ShippingLabel = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('outbound'), ...LabelFields }),
  z.strictObject({ kind: z.literal('return'), rmaNumber: text(32), ...LabelFields }),
]);
/** What callers pass (defaults not yet applied). */
export type ShippingLabelInput = z.input<typeof ShippingLabel>;
export type ShippingLabel = z.infer<typeof ShippingLabel>;

import { z } from 'zod';

/**
 * The parts of the outbox payloads an email needs (analytics/README.md fixes them). Parsed
 * leniently: extra fields are ignored, and a payload that lacks what the email says fails
 * that email for good rather than sending a wrong one.
 */

const isoDate = z
  .string()
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be an ISO 8601 time');

// Units of zero are dropped, not refused: an email that lists less is better than none.
const itemLines = z
  .array(z.object({ sku: z.string(), quantity: z.number().int().nonnegative() }))
  .transform((lines) => lines.filter((l) => l.quantity > 0));

export const orderShippedPayload = z.object({
  /** Null (or absent) for a shipment that waits in a store for pickup. */
  carrier: z.string().min(1).nullish(),
  packages: z.array(z.object({ trackingNumber: z.string().min(1) })).default([]),
  lines: itemLines,
  promisedAt: isoDate.nullish(),
});

export const orderDeliveredPayload = z.object({
  carrier: z.string().min(1).nullish(),
  /** The carrier's delivery scan; the event's time when absent. */
  deliveredAt: isoDate.nullish(),
  lines: itemLines,
});

export const returnReceivedPayload = z.object({
  lines: itemLines,
});

export const paymentRefundedPayload = z.object({
  amountCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

import { z } from '@hono/zod-openapi';

export const TrackingParams = z.object({
  number: z.string().trim().min(1).max(64).openapi({ description: 'the order number (or one of its tracking numbers)', example: 'T100001' }),
});

export const TrackingQuery = z.object({
  email: z.string().trim().min(1, 'is required').max(254).transform((email) => email.toLowerCase()).openapi({ description: "the order's email address" }),
});

export const Tracking = z
  .object({
    number: z.string(),
    status: z.string(),
    events: z.array(z.object({ type: z.string(), at: z.string() })),
    packages: z.array(z.object({ trackingNumber: z.string(), carrier: z.string().nullable(), status: z.string() })),
  })
  .openapi('Tracking');
export type Tracking = z.infer<typeof Tracking>;

import { z } from '@hono/zod-openapi';

export const carrierEventStatuses = ['in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender'] as const;
export type PackageStatus = 'label_created' | (typeof carrierEventStatuses)[number];

export const CarrierParams = z.object({
  carrier: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a carrier code in lower case')
    .openapi({ example: 'national-parcel' }),
});

export const CarrierEventInput = z
  .object({
    eventId: z.string().trim().min(1, 'must not be empty').max(200),
    trackingNumber: z.string().trim().min(1, 'must not be empty').max(64),
    status: z.enum(carrierEventStatuses),
    occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-03-14T09:30:00Z' }),
  })
  .openapi('CarrierEvent');
export type CarrierEventInput = z.infer<typeof CarrierEventInput>;

export const CarrierEventResult = z
  .object({
    duplicate: z.boolean().openapi({ description: 'this carrier already sent this eventId: acknowledged, nothing changed' }),
    applied: z.boolean().openapi({ description: "false for a scan older than the package's last one: recorded only" }),
    packageStatus: z.string(),
    shipmentStatus: z.string(),
  })
  .openapi('CarrierEventResult');
export type CarrierEventResult = z.infer<typeof CarrierEventResult>;

/** Most events one delivery of a carrier carries. */
export const MAX_CARRIER_BATCH = 500;

/** The envelope only: each event is checked on its own (CarrierEventInput). */
export const CarrierEventBatchInput = z
  .strictObject({
    events: z
      .array(z.record(z.string(), z.unknown()).openapi({ description: 'A tracking event exactly as the body of POST /api/carriers/{carrier}/events (CarrierEvent)' }))
      .min(1, 'a delivery needs at least one event')
      .max(MAX_CARRIER_BATCH, `a delivery has at most ${MAX_CARRIER_BATCH} events`),
  })
  .openapi('CarrierEventBatch');

export const CarrierEventBatchResult = z
  .object({
    summary: z.object({ events: z.number().int(), applied: z.number().int(), duplicates: z.number().int(), failed: z.number().int() }),
    results: z.array(
      z.object({
        index: z.number().int(),
        eventId: z.string().nullable(),
        status: z.number().int().openapi({ description: 'what the single webhook would have answered: 200, or 404 / 422 with `problem`' }),
        result: CarrierEventResult.optional(),
        problem: z.object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), errors: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).optional(),
      }),
    ),
  })
  .openapi('CarrierEventBatchResult');

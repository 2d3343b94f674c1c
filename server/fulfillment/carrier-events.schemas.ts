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

import { z } from '@hono/zod-openapi';
import { packageStatuses, shipmentStatuses } from '#db/schema/fulfillment.ts';
import { deliveryServices } from '#db/schema/orders.ts';

const MAX_UNITS = 100_000;
const uuid = z.uuid('must be an id');

export const ShipmentStatus = z.enum(shipmentStatuses);
export const PackageStatus = z.enum(packageStatuses);

export const ReleaseInput = z.strictObject({
  limit: z.number().int('must be a whole number').min(1).max(10_000).default(500).openapi({ description: 'most orders to release in this call' }),
  withShipments: z.boolean().default(false).openapi({ description: 'answer with the new shipments too (lines and all), as the shipment listing shows them: the pick work of the wave in one round trip' }),
});
export type ReleaseInput = z.infer<typeof ReleaseInput>;

export const ShipmentLine = z.object({
  id: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  pickedQuantity: z.number().int(),
  packedQuantity: z.number().int(),
  pickerId: z.string().nullable(),
  pickClaimedAt: z.string().nullable(),
  pickedAt: z.string().nullable(),
});

export const Package = z
  .object({
    id: z.string(),
    number: z.number().int(),
    packagingCode: z.string(),
    weightGrams: z.number().int(),
    trackingNumber: z.string(),
    status: PackageStatus,
    labelCostCents: z.number().int(),
    lastEventAt: z.string().nullable(),
    contents: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  })
  .openapi('Package');

export const Shipment = z
  .object({
    id: z.string(),
    orderId: z.string(),
    orderNumber: z.string(),
    number: z.number().int(),
    locationId: z.string(),
    status: ShipmentStatus,
    carrier: z.string().nullable(),
    service: z.enum(deliveryServices),
    promisedAt: z.string().nullable(),
    currency: z.string(),
    pickPackCostCents: z.number().int(),
    packagingCostCents: z.number().int(),
    labelCostCents: z.number().int(),
    capturedCents: z.number().int(),
    shippedAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    lines: z.array(ShipmentLine),
    packages: z.array(Package),
  })
  .openapi('Shipment');
export type Shipment = z.infer<typeof Shipment>;

export const ReleaseResult = z
  .object({
    orders: z.number().int(),
    shipments: z.number().int(),
    releasedShipments: z.array(Shipment).optional().openapi({ description: 'the new shipments, when asked for with withShipments' }),
  })
  .openapi('ReleaseResult');

export const ShipmentQuery = z
  .strictObject({
    orderId: uuid.optional(),
    locationId: uuid.optional(),
    status: ShipmentStatus.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => q.orderId !== undefined || q.locationId !== undefined, { message: 'give orderId or locationId', path: ['orderId'] });
export type ShipmentQuery = z.infer<typeof ShipmentQuery>;

export const PickListItem = z.object({
  shipmentLineId: z.string(),
  shipmentId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  pickedQuantity: z.number().int(),
  pickerId: z.string().nullable(),
});

export const PickList = z
  .object({
    locationId: z.string(),
    /** Per SKU, the open lines of every order that needs it, in bin order (SKUs without a bin last, by SKU). */
    items: z.array(z.object({ sku: z.string(), name: z.string(), bin: z.string().nullable(), openUnits: z.number().int(), lines: z.array(PickListItem) })),
  })
  .openapi('PickList');
export type PickList = z.infer<typeof PickList>;

export const PickClaimInput = z.strictObject({
  shipmentLineIds: z.array(uuid).min(1, 'claim at least one line').max(500, 'claim at most 500 lines at once'),
});
export type PickClaimInput = z.infer<typeof PickClaimInput>;

export const PickClaims = z.object({ claimed: z.array(ShipmentLine) }).openapi('PickClaims');

export const ConfirmPickInput = z.strictObject({
  quantity: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_UNITS),
});
export type ConfirmPickInput = z.infer<typeof ConfirmPickInput>;

/** A shipment's pick at once: every line in full, but for the lines named here (a short pick says how many were found). */
export const ConfirmShipmentPicksInput = z
  .strictObject({
    lines: z
      .array(z.strictObject({ shipmentLineId: uuid, quantity: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_UNITS) }))
      .max(500)
      .optional(),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.lines?.forEach((l, k) => {
      if (seen.has(l.shipmentLineId)) ctx.addIssue({ code: 'custom', path: ['lines', k, 'shipmentLineId'], message: 'is listed twice' });
      seen.add(l.shipmentLineId);
    });
  });
export type ConfirmShipmentPicksInput = z.infer<typeof ConfirmShipmentPicksInput>;

export const PackInput = z.strictObject({
  items: z
    .array(z.strictObject({ sku: z.string().trim().min(1, 'must not be empty').max(64), quantity: z.number().int('must be a whole number').positive('must be at least 1').max(MAX_UNITS) }))
    .min(1, 'scan at least one item')
    .max(1_000),
});
export type PackInput = z.infer<typeof PackInput>;

export const IdParams = z.object({ id: uuid });
export const LocationParams = z.object({ locationId: uuid });

export const RejectionReason = z.enum(['short_pick', 'damaged', 'capacity', 'closure']);
export type RejectionReason = z.infer<typeof RejectionReason>;

/** A location cannot send (all of) a shipment; short_pick and damaged say what it can still send per line. */
export const RejectShipmentInput = z
  .strictObject({
    reason: RejectionReason,
    lines: z
      .array(
        z.strictObject({
          shipmentLineId: uuid,
          fulfillableQuantity: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_UNITS),
        }),
      )
      .max(500)
      .optional(),
  })
  .superRefine((input, ctx) => {
    const partial = input.reason === 'short_pick' || input.reason === 'damaged';
    if (partial && (!input.lines || input.lines.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: `is required for ${input.reason}: the units each line can still send` });
    }
    if (!partial && input.lines) ctx.addIssue({ code: 'custom', path: ['lines'], message: `must be left out for ${input.reason}: the whole shipment is sourced again` });
    const seen = new Set<string>();
    input.lines?.forEach((l, k) => {
      if (seen.has(l.shipmentLineId)) ctx.addIssue({ code: 'custom', path: ['lines', k, 'shipmentLineId'], message: 'is listed twice' });
      seen.add(l.shipmentLineId);
    });
  });
export type RejectShipmentInput = z.infer<typeof RejectShipmentInput>;

/** A manager moves an order's not-yet-picked units away from a location, optionally to one. */
export const RerouteOrderInput = z
  .strictObject({ fromLocationId: uuid, toLocationId: uuid.optional() })
  .refine((i) => i.fromLocationId !== i.toLocationId, { path: ['toLocationId'], message: 'must differ from fromLocationId' });
export type RerouteOrderInput = z.infer<typeof RerouteOrderInput>;

export const RerouteResult = z.object({
  orderId: z.string(),
  orderStatus: z.string(),
  fromLocationId: z.string(),
  reason: z.string(),
  moved: z.array(z.object({ lineIndex: z.number(), sku: z.string(), locationId: z.string(), quantity: z.number() })),
  backordered: z.array(z.object({ lineIndex: z.number(), sku: z.string(), quantity: z.number() })),
  promisedDate: z.string().nullable(),
  shipmentIds: z.array(z.string()),
});
export type RerouteResult = z.infer<typeof RerouteResult>;

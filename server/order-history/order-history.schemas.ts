import { z } from '@hono/zod-openapi';
import { returnReasons } from '#db/schema/returns.ts';
import { IdempotencyKeyHeader, ProblemSchema } from '#server/http/openapi-responses.ts';

/** Most closed orders one import request carries: a few megabytes of JSON, one statement. */
export const MAX_HISTORY_ORDERS = 500;

const Moment = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset (2026-10-01T14:03:00.000Z)' });
const Units = z.number().int('must be a whole number').positive('must be at least 1').max(100_000);
const SkuUnits = z.strictObject({ sku: z.string().trim().min(1).max(64), quantity: Units });

/**
 * One shipment as it happened: where it left from, what it carried, and when each step was done.
 * A pickup's `shippedAt` is when the store had it ready and `deliveredAt` when the customer
 * collected it; a parcel without `deliveredAt` is still with its carrier.
 */
export const HistoryShipment = z
  .strictObject({
    locationId: z.uuid('must be a location id'),
    /** The carrier that took it; omitted, Tower's sourcing policy chooses as it would have. Never for a pickup. */
    carrier: z.string().trim().min(1).max(64).optional(),
    lines: z.array(SkuUnits).min(1, 'a shipment carries at least one line').max(500),
    pickingStartedAt: Moment,
    packedAt: Moment,
    shippedAt: Moment,
    deliveredAt: Moment.optional(),
  })
  .openapi('HistoryShipment');
export type HistoryShipment = z.infer<typeof HistoryShipment>;

/**
 * A return as it stood: requested and authorized; received (and inspected) too; or settled as
 * well. What is left of it goes on through the returns API.
 */
export const HistoryReturn = z
  .strictObject({
    requestedAt: Moment,
    authorizedAt: Moment,
    receivedAt: Moment.optional(),
    resolvedAt: Moment.optional(),
    /** Where the goods come back to. */
    locationId: z.uuid('must be a location id'),
    /** Once resolved: `refund` pays the card back; `store_credit` credits the customer's account. */
    resolution: z.enum(['refund', 'store_credit']).optional(),
    lines: z
      .array(
        z.strictObject({
          sku: z.string().trim().min(1).max(64),
          quantity: Units,
          reason: z.enum(returnReasons),
          /** What inspection decided: back on the shelf, or scrapped. */
          disposition: z.enum(['restock', 'scrap']),
        }),
      )
      .min(1, 'a return covers at least one line'),
  })
  .openapi('HistoryReturn');
export type HistoryReturn = z.infer<typeof HistoryReturn>;

/**
 * The envelope only: each order is checked on its own (its `order` against PlaceOrderInput, the
 * rest against HistoryOrderItem), so one bad order is refused with its own problem.
 */
export const ImportOrderHistoryInput = z
  .strictObject({
    orders: z
      .array(
        z.record(z.string(), z.unknown()).openapi({
          description:
            'A closed order: `idempotencyKey`, `placedAt`, `order` (the body of POST /api/orders), and what became of it — `cancelledAt` ' +
            '(cancelled before anything left), or `shipments` (every unit, each shipment shipped; `deliveredAt` once delivered) and ' +
            'optionally its `return` as far as it got.',
        }),
      )
      .min(1, 'an import needs at least one order')
      .max(MAX_HISTORY_ORDERS, `an import has at most ${MAX_HISTORY_ORDERS} orders`),
  })
  .openapi('ImportOrderHistoryInput');

/** What each item carries besides its order (checked with PlaceOrderInput). */
export const HistoryOrderItem = z.strictObject({
  idempotencyKey: IdempotencyKeyHeader,
  placedAt: Moment,
  order: z.record(z.string(), z.unknown()),
  cancelledAt: Moment.optional(),
  shipments: z.array(HistoryShipment).min(1).max(100).optional(),
  return: HistoryReturn.optional(),
});
export type HistoryOrderItem = z.infer<typeof HistoryOrderItem>;

export const ImportedShipment = z.object({
  id: z.uuid(),
  number: z.number().int(),
  locationId: z.uuid(),
  carrier: z.string().nullable(),
  service: z.enum(['standard', 'express']),
  status: z.string(),
  packages: z.array(z.object({ id: z.uuid(), number: z.number().int(), trackingNumber: z.string(), status: z.string() })),
});

export const ImportOrderHistoryItemResult = z.object({
  index: z.number().int().openapi({ description: 'position of the order in the request' }),
  idempotencyKey: z.string().nullable(),
  status: z.number().int().openapi({ description: '201 imported, 200 imported by an earlier request under the same key, 4xx refused' }),
  orderId: z.uuid().optional(),
  number: z.string().optional(),
  orderStatus: z.string().optional().openapi({ description: 'where the order stands: cancelled, shipped, delivered or returned' }),
  shipments: z.array(ImportedShipment).optional().openapi({ description: 'for 201: the shipments written, with their parcels' }),
  return: z
    .object({ id: z.uuid(), number: z.string(), status: z.string(), lines: z.array(z.object({ id: z.uuid(), sku: z.string(), quantity: z.number().int(), reason: z.string() })) })
    .optional()
    .openapi({ description: 'for 201: the RMA written, so what is left of it can go on through the returns API' }),
  problem: ProblemSchema.optional().openapi({ description: 'why it was refused; field paths start with `orders.<index>.`' }),
});
export type ImportOrderHistoryItemResult = z.infer<typeof ImportOrderHistoryItemResult>;

export const ImportOrderHistoryResult = z
  .object({
    summary: z.object({ orders: z.number().int(), created: z.number().int(), repeated: z.number().int(), failed: z.number().int() }),
    results: z.array(ImportOrderHistoryItemResult),
  })
  .openapi('ImportOrderHistoryResult');
export type ImportOrderHistoryResult = z.infer<typeof ImportOrderHistoryResult>;

import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { users } from './identity.ts';
import { locations } from './locations.ts';
import { deliveryService, orderLines, orders } from './orders.ts';

/**
 * A shipment is what one location sends (or hands over) for one order: a split order has
 * several. Its life: pending → picking → packed → shipped → delivered, with exception and
 * returned_to_sender from the carrier, ready_for_pickup → picked_up for in-store pickup, and
 * cancelled before it leaves. server/fulfillment/shipment-status.ts holds the transitions.
 */
export const shipmentStatuses = [
  'pending',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'exception',
  'returned_to_sender',
  'ready_for_pickup',
  'picked_up',
  'cancelled',
] as const;
export const shipmentStatus = pgEnum('shipment_status', shipmentStatuses);

export const shipments = pgTable(
  'shipments',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id),
    /** 1 for the order's first shipment, 2, 3… for the further ones (the split's extra cost is theirs). */
    number: integer('number').notNull(),
    locationId: uuid('location_id').notNull().references(() => locations.id),
    status: shipmentStatus('status').notNull().default('pending'),
    /** Null for in-store pickup. */
    carrier: text('carrier'),
    service: deliveryService('service').notNull(),
    promisedAt: timestamptz('promised_at'),
    pickPackCostCents: integer('pick_pack_cost_cents').notNull().default(0),
    packagingCostCents: integer('packaging_cost_cents').notNull().default(0),
    labelCostCents: integer('label_cost_cents').notNull().default(0),
    /** The part of the order's payment captured when this shipment left. */
    capturedCents: integer('captured_cents').notNull().default(0),
    shippedAt: timestamptz('shipped_at'),
    deliveredAt: timestamptz('delivered_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('shipments_order_number_key').on(t.orderId, t.number),
    index('shipments_location_status_idx').on(t.locationId, t.status, t.createdAt),
    // Sourcing counts each location's shipments of a day (its capacity used): by day first.
    index('shipments_created_location_idx').on(t.createdAt, t.locationId),
    // The floor's open work (alerts scan it every few seconds): a small slice of all shipments ever.
    index('shipments_open_idx').on(t.locationId, t.status).where(sql`${t.status} in ('pending', 'picking', 'packed')`),
    // An order's shipments still on the floor (the release compares them with its allocations): by order, not by location.
    index('shipments_open_order_idx').on(t.orderId).where(sql`${t.status} in ('pending', 'picking', 'packed')`),
    // Carrier parcels by the day they were promised for (carrier_delay compares a carrier's late share with its own baseline).
    index('shipments_carrier_promised_idx').on(t.carrier, t.service, t.promisedAt).where(sql`${t.carrier} is not null`),
    check('shipments_costs_nonnegative', sql`${t.pickPackCostCents} >= 0 and ${t.packagingCostCents} >= 0 and ${t.labelCostCents} >= 0 and ${t.capturedCents} >= 0`),
  ],
);

/** The units of an order line that one shipment carries, and how far picking and packing got. */
export const shipmentLines = pgTable(
  'shipment_lines',
  {
    id: id(),
    shipmentId: uuid('shipment_id').notNull().references(() => shipments.id),
    orderLineId: uuid('order_line_id').notNull().references(() => orderLines.id),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    pickedQuantity: integer('picked_quantity').notNull().default(0),
    packedQuantity: integer('packed_quantity').notNull().default(0),
    /** The picker who claimed the line: nobody else may pick it meanwhile. */
    pickerId: uuid('picker_id').references(() => users.id),
    pickClaimedAt: timestamptz('pick_claimed_at'),
    /** When the claimer confirmed the pick (`picked_quantity` may be short); null while still to pick. */
    pickedAt: timestamptz('picked_at'),
  },
  (t) => [
    index('shipment_lines_shipment_idx').on(t.shipmentId),
    check('shipment_lines_quantities', sql`${t.quantity} > 0 and ${t.pickedQuantity} between 0 and ${t.quantity} and ${t.packedQuantity} between 0 and ${t.pickedQuantity}`),
  ],
);

/** Boxes and envelopes a location packs into; the packer's choice is the smallest that fits. */
export const packagingTypes = pgTable(
  'packaging_types',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    innerLengthMm: integer('inner_length_mm').notNull(),
    innerWidthMm: integer('inner_width_mm').notNull(),
    innerHeightMm: integer('inner_height_mm').notNull(),
    maxWeightGrams: integer('max_weight_grams').notNull(),
    tareGrams: integer('tare_grams').notNull(),
    costCents: integer('cost_cents').notNull(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [check('packaging_types_positive', sql`${t.innerLengthMm} > 0 and ${t.innerWidthMm} > 0 and ${t.innerHeightMm} > 0 and ${t.maxWeightGrams} > 0 and ${t.tareGrams} >= 0 and ${t.costCents} >= 0`)],
);

export const packageStatuses = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender'] as const;
export const packageStatus = pgEnum('package_status', packageStatuses);

/** A parcel with its own label and tracking number; a bulk B2B shipment has many. */
export const packages = pgTable(
  'packages',
  {
    id: id(),
    shipmentId: uuid('shipment_id').notNull().references(() => shipments.id),
    number: integer('number').notNull(),
    packagingCode: text('packaging_code').notNull().references(() => packagingTypes.code),
    weightGrams: integer('weight_grams').notNull(),
    trackingNumber: text('tracking_number').notNull().unique(),
    status: packageStatus('status').notNull().default('label_created'),
    labelCostCents: integer('label_cost_cents').notNull().default(0),
    /** The newest carrier scan applied, so an older one arriving late changes nothing. */
    lastEventAt: timestamptz('last_event_at'),
    createdAt: createdAt(),
  },
  (t) => [unique('packages_shipment_number_key').on(t.shipmentId, t.number), check('packages_weight_positive', sql`${t.weightGrams} > 0`)],
);

/** Which units went into which package. */
export const packageContents = pgTable(
  'package_contents',
  {
    packageId: uuid('package_id').notNull().references(() => packages.id),
    shipmentLineId: uuid('shipment_line_id').notNull().references(() => shipmentLines.id),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    unique('package_contents_key').on(t.packageId, t.shipmentLineId),
    // Deleting a shipment line (a short pick's re-sourcing) checks that no content names it: without
    // this index each delete read every content ever packed (its foreign key check).
    index('package_contents_line_idx').on(t.shipmentLineId),
    check('package_contents_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

/** Every tracking event a carrier sent, once: (carrier, carrier_event_id) drops a redelivered webhook. */
export const carrierEvents = pgTable(
  'carrier_events',
  {
    id: id(),
    carrier: text('carrier').notNull(),
    carrierEventId: text('carrier_event_id').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    status: packageStatus('status').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    receivedAt: createdAt(),
    /** Whether it changed the package (false: a duplicate in substance, or older than the last scan). */
    applied: boolean('applied').notNull(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [unique('carrier_events_carrier_event_key').on(t.carrier, t.carrierEventId), index('carrier_events_tracking_idx').on(t.trackingNumber, t.occurredAt)],
);

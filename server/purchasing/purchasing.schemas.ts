import { z } from '@hono/zod-openapi';
import { purchaseOrderStatuses, transferStatuses } from '#db/schema/purchasing.ts';

const Sku = z.string().trim().min(1).max(64);
const Quantity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000);
const Cents = z.number().int('must be whole cents').min(0).max(100_000_000);
const LeadTimeDays = z.number().int('must be whole days').min(0).max(365);
const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code');
const Moment = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with an offset' });
const Source = z.string().trim().min(1).max(200).openapi({ description: 'What asked for it, e.g. `proposal:<id>`' });
const Limit = z.coerce.number().int().min(1).max(200).default(50);

export const PurchaseOrderStatus = z.enum(purchaseOrderStatuses);
export type PurchaseOrderStatus = z.infer<typeof PurchaseOrderStatus>;
export const TransferStatus = z.enum(transferStatuses);
export type TransferStatus = z.infer<typeof TransferStatus>;

// Suppliers ------------------------------------------------------------------------------------

export const CreateSupplierInput = z
  .strictObject({
    code: z.string().trim().min(1).max(40),
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320).optional(),
    currency: Currency.default('USD'),
    leadTimeDays: LeadTimeDays.default(7),
    active: z.boolean().default(true),
  })
  .openapi('CreateSupplierInput');
export type CreateSupplierInput = z.infer<typeof CreateSupplierInput>;

export const UpdateSupplierInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).nullable().optional(),
    currency: Currency.optional(),
    leadTimeDays: LeadTimeDays.optional(),
    active: z.boolean().optional(),
  })
  .openapi('UpdateSupplierInput');
export type UpdateSupplierInput = z.infer<typeof UpdateSupplierInput>;

export const Supplier = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    currency: z.string(),
    leadTimeDays: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Supplier');
export type Supplier = z.infer<typeof Supplier>;

export const SupplierQuery = z.strictObject({
  active: z.enum(['true', 'false']).optional(),
  sku: Sku.optional().openapi({ description: 'Only suppliers that sell this SKU' }),
  cursor: z.string().max(200).optional(),
  limit: Limit,
});
export type SupplierQuery = z.infer<typeof SupplierQuery>;

export const SupplierProductInput = z
  .strictObject({
    unitCostCents: Cents,
    leadTimeDays: LeadTimeDays.nullable().optional().openapi({ description: "Overrides the supplier's lead time for this SKU" }),
    minimumOrderQuantity: Quantity.default(1),
    casePack: Quantity.default(1).openapi({ description: 'Orders are placed in multiples of this' }),
    preferred: z.boolean().default(false).openapi({ description: 'The supplier to buy this SKU from (at most one per SKU; setting it clears the others)' }),
    active: z.boolean().default(true),
  })
  .openapi('SupplierProductInput');
export type SupplierProductInput = z.infer<typeof SupplierProductInput>;

export const SupplierProduct = z
  .object({
    supplierId: z.string(),
    sku: z.string(),
    unitCostCents: z.number().int(),
    currency: z.string(),
    leadTimeDays: z.number().int().nullable(),
    effectiveLeadTimeDays: z.number().int(),
    minimumOrderQuantity: z.number().int(),
    casePack: z.number().int(),
    preferred: z.boolean(),
    active: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('SupplierProduct');
export type SupplierProduct = z.infer<typeof SupplierProduct>;

// Transfer lanes -------------------------------------------------------------------------------

export const LaneInput = z
  .strictObject({
    fromLocationId: z.uuid('must be a location id'),
    toLocationId: z.uuid('must be a location id'),
    leadTimeDays: LeadTimeDays,
    costPerUnitCents: Cents,
  })
  .openapi('TransferLaneInput');
export type LaneInput = z.infer<typeof LaneInput>;

export const Lane = z
  .object({
    fromLocationId: z.string(),
    toLocationId: z.string(),
    leadTimeDays: z.number().int(),
    costPerUnitCents: z.number().int(),
    distanceKm: z.number(),
    /** False: no lane row; the numbers come from the distance. */
    configured: z.boolean(),
  })
  .openapi('TransferLane');
export type Lane = z.infer<typeof Lane>;

export const LaneQuery = z.strictObject({
  fromLocationId: z.uuid('must be a location id').optional(),
  toLocationId: z.uuid('must be a location id').optional(),
  includeDefaults: z.enum(['true', 'false']).default('false').openapi({ description: 'Also every pair of active locations without a lane row, from the distance' }),
});
export type LaneQuery = z.infer<typeof LaneQuery>;

// Purchase orders ------------------------------------------------------------------------------

export const PurchaseOrderLineInput = z.strictObject({
  sku: Sku,
  quantity: Quantity,
  unitCostCents: Cents.optional().openapi({ description: "The supplier's cost for the SKU when omitted" }),
});

export const CreatePurchaseOrderInput = z
  .strictObject({
    supplierId: z.uuid('must be a supplier id'),
    locationId: z.uuid('must be a location id'),
    lines: z.array(PurchaseOrderLineInput).min(1, 'must have at least one line').max(500),
    expectedAt: Moment.optional().openapi({ description: 'Submit date + lead time when omitted' }),
    note: z.string().trim().min(1).max(1000).optional(),
    source: Source.optional(),
    submit: z.boolean().default(false).openapi({ description: 'Submit to the supplier at once instead of keeping a draft' }),
  })
  .openapi('CreatePurchaseOrderInput');
export type CreatePurchaseOrderInput = z.input<typeof CreatePurchaseOrderInput>;

export const UpdatePurchaseOrderInput = z
  .strictObject({
    locationId: z.uuid('must be a location id').optional(),
    lines: z.array(PurchaseOrderLineInput).min(1, 'must have at least one line').max(500).optional().openapi({ description: 'Replaces every line' }),
    expectedAt: Moment.nullable().optional(),
    note: z.string().trim().min(1).max(1000).nullable().optional(),
  })
  .openapi('UpdatePurchaseOrderInput');
export type UpdatePurchaseOrderInput = z.infer<typeof UpdatePurchaseOrderInput>;

export const ReceiptInput = z
  .strictObject({
    lines: z.array(z.strictObject({ sku: Sku, quantity: Quantity })).min(1, 'must have at least one line').max(500),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .openapi('ReceiptInput');
export type ReceiptInput = z.infer<typeof ReceiptInput>;

export const PurchaseOrderLine = z.object({
  sku: z.string(),
  quantityOrdered: z.number().int(),
  quantityReceived: z.number().int(),
  quantityOpen: z.number().int(),
  unitCostCents: z.number().int(),
  lineTotalCents: z.number().int(),
});

export const PurchaseOrder = z
  .object({
    id: z.string(),
    number: z.string(),
    supplierId: z.string(),
    supplierCode: z.string(),
    locationId: z.string(),
    status: PurchaseOrderStatus,
    currency: z.string(),
    totalCents: z.number().int(),
    expectedAt: z.string().nullable(),
    note: z.string().nullable(),
    source: z.string().nullable(),
    createdBy: z.string().nullable(),
    orderedAt: z.string(),
    submittedAt: z.string().nullable(),
    firstReceivedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    lines: z.array(PurchaseOrderLine),
    receipts: z.array(z.object({ sku: z.string(), quantity: z.number().int(), receivedAt: z.string(), ledgerId: z.number().int() })),
  })
  .openapi('PurchaseOrder');
export type PurchaseOrderView = z.infer<typeof PurchaseOrder>;

export const PurchaseOrderReceipt = PurchaseOrder.extend({
  backordersAllocated: z.array(z.string()).openapi({ description: 'Backordered orders this receipt made fully allocated' }),
}).openapi('PurchaseOrderReceipt');

export const PurchaseOrderQuery = z.strictObject({
  status: PurchaseOrderStatus.optional(),
  supplierId: z.uuid('must be a supplier id').optional(),
  locationId: z.uuid('must be a location id').optional(),
  sku: Sku.optional(),
  source: Source.optional(),
  cursor: z.string().max(200).optional(),
  limit: Limit,
});
export type PurchaseOrderQuery = z.infer<typeof PurchaseOrderQuery>;

// Transfers ------------------------------------------------------------------------------------

export const CreateTransferInput = z
  .strictObject({
    fromLocationId: z.uuid('must be a location id'),
    toLocationId: z.uuid('must be a location id'),
    lines: z.array(z.strictObject({ sku: Sku, quantity: Quantity })).min(1, 'must have at least one line').max(500),
    note: z.string().trim().min(1).max(1000).optional(),
    source: Source.optional(),
  })
  .openapi('CreateTransferInput');
export type CreateTransferInput = z.infer<typeof CreateTransferInput>;

export const ShipTransferInput = z
  .strictObject({
    lines: z
      .array(z.strictObject({ sku: Sku, quantity: z.number().int('must be a whole number').min(0).max(1_000_000) }))
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: 'Units shipped per SKU when short of the request; every requested unit otherwise. Lines not named ship nothing.' }),
  })
  .openapi('ShipTransferInput');
export type ShipTransferInput = z.infer<typeof ShipTransferInput>;

export const TransferLine = z.object({
  sku: z.string(),
  quantity: z.number().int(),
  quantityShipped: z.number().int(),
  quantityReceived: z.number().int(),
});

export const Transfer = z
  .object({
    id: z.string(),
    number: z.string(),
    fromLocationId: z.string(),
    toLocationId: z.string(),
    status: TransferStatus,
    expectedAt: z.string().nullable(),
    note: z.string().nullable(),
    source: z.string().nullable(),
    createdBy: z.string().nullable(),
    requestedAt: z.string(),
    shippedAt: z.string().nullable(),
    firstReceivedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    lines: z.array(TransferLine),
  })
  .openapi('Transfer');
export type TransferView = z.infer<typeof Transfer>;

export const TransferMovement = Transfer.extend({
  backordersAllocated: z.array(z.string()).openapi({ description: 'Backordered orders the received units made fully allocated' }),
}).openapi('TransferMovement');

export const TransferQuery = z.strictObject({
  status: TransferStatus.optional(),
  fromLocationId: z.uuid('must be a location id').optional(),
  toLocationId: z.uuid('must be a location id').optional(),
  locationId: z.uuid('must be a location id').optional().openapi({ description: 'Either end' }),
  sku: Sku.optional(),
  source: Source.optional(),
  cursor: z.string().max(200).optional(),
  limit: Limit,
});
export type TransferQuery = z.infer<typeof TransferQuery>;

// Inbound --------------------------------------------------------------------------------------

export const InboundQuery = z.strictObject({
  sku: Sku.optional(),
  locationId: z.uuid('must be a location id').optional(),
});

export const InboundRow = z
  .object({
    sku: z.string(),
    locationId: z.string(),
    onOrder: z.number().int().openapi({ description: 'Units on submitted or partially received purchase orders not yet received' }),
    onDraft: z.number().int().openapi({ description: 'Units on draft purchase orders (not yet sent to the supplier)' }),
    inTransit: z.number().int().openapi({ description: 'Units shipped to this location by transfers and not yet received' }),
    transferRequestedIn: z.number().int().openapi({ description: 'Units of requested (not yet shipped) transfers to this location' }),
    transferRequestedOut: z.number().int().openapi({ description: 'Units of requested (not yet shipped) transfers from this location' }),
    nextExpectedAt: z.string().nullable().openapi({ description: 'The earliest expected arrival of open inbound units' }),
  })
  .openapi('InboundRow');
export type InboundRow = z.infer<typeof InboundRow>;

import { z } from '@hono/zod-openapi';

export const adjustmentReasons = ['receipt', 'count', 'damage', 'shrinkage', 'correction', 'return', 'transfer_in', 'transfer_out'] as const;

export const InventoryAdjustmentInput = z
  .strictObject({
    sku: z.string().trim().min(1).max(64),
    locationId: z.uuid('must be a location id'),
    delta: z
      .number()
      .int('must be a whole number')
      .min(-1_000_000)
      .max(1_000_000)
      .refine((d) => d !== 0, 'must not be zero'),
    reason: z.enum(adjustmentReasons),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .openapi('InventoryAdjustmentInput');
export type InventoryAdjustmentInput = z.infer<typeof InventoryAdjustmentInput>;

export const InventoryLevel = z
  .object({
    sku: z.string(),
    locationId: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    available: z.number().int(),
    bin: z.string().nullable().openapi({ description: 'Where the SKU sits in the location; pick lists walk in bin order' }),
  })
  .openapi('InventoryLevel');
export type InventoryLevel = z.infer<typeof InventoryLevel>;

export const InventoryAdjustment = z
  .object({ ledgerId: z.number().int(), level: InventoryLevel, backordersAllocated: z.array(z.string()) })
  .openapi('InventoryAdjustment');
export type InventoryAdjustment = z.infer<typeof InventoryAdjustment>;

export const InventoryQuery = z.strictObject({
  sku: z.string().trim().min(1).optional(),
  locationId: z.uuid('must be a location id').optional(),
});

export const SafetyStockInput = z.strictObject({ safetyStock: z.number().int().min(0).max(1_000_000) });

export const BinInput = z.strictObject({
  // Compared as text: zero-padded codes (A-03-02) sort the way the floor is walked.
  bin: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/, 'must be 1-32 letters, digits, dots, slashes, dashes or underscores')
    .nullable(),
});

export const NetworkAvailability = z
  .object({
    sku: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    locations: z.array(InventoryLevel),
  })
  .openapi('NetworkAvailability');

export const LedgerEntry = z
  .object({
    id: z.number().int(),
    sku: z.string(),
    locationId: z.string(),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    reason: z.string(),
    orderId: z.string().nullable(),
    note: z.string().nullable(),
    occurredAt: z.string(),
  })
  .openapi('LedgerEntry');

import { z } from '@hono/zod-openapi';
import { locationKinds } from '#db/schema/locations.ts';
import { channels } from '#db/schema/orders.ts';
import { promotionKinds } from '#db/schema/pricing.ts';
import { CurrencyCode } from '#server/orders/order.schemas.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const cents = z.number().int('must be a whole number of minor units').min(0).max(100_000_000);
const millimetres = z.number().int().positive().max(10_000);

export const CreateProductInput = z
  .strictObject({
    sku: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
    name: text(200),
    category: text(100),
    priceCents: cents,
    currency: CurrencyCode,
    weightGrams: z.number().int().min(0).max(2_000_000),
    lengthMm: millimetres.optional(),
    widthMm: millimetres.optional(),
    heightMm: millimetres.optional(),
    backorderable: z.boolean().default(true),
    /** A location of kind dropship that ships this product itself: its lines go there as vendor orders. */
    dropshipVendorId: z.uuid('must be a location id').optional(),
  })
  .openapi('CreateProductInput');
export type CreateProductInput = z.infer<typeof CreateProductInput>;

export const UpdateProductInput = z
  .strictObject({
    name: text(200).optional(),
    category: text(100).optional(),
    priceCents: cents.optional(),
    weightGrams: z.number().int().min(0).max(2_000_000).optional(),
    backorderable: z.boolean().optional(),
    active: z.boolean().optional(),
    /** null: the product no longer ships from a vendor. */
    dropshipVendorId: z.uuid('must be a location id').nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'name at least one field to change')
  .openapi('UpdateProductInput');
export type UpdateProductInput = z.infer<typeof UpdateProductInput>;

export const Product = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    category: z.string(),
    priceCents: z.number().int(),
    currency: z.string(),
    weightGrams: z.number().int(),
    lengthMm: z.number().int().nullable(),
    widthMm: z.number().int().nullable(),
    heightMm: z.number().int().nullable(),
    backorderable: z.boolean(),
    active: z.boolean(),
    dropshipVendorId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Product');
export type Product = z.infer<typeof Product>;

export const CreateLocationInput = z
  .strictObject({
    code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'must be 1-32 letters, digits, dashes or underscores'),
    name: text(200),
    kind: z.enum(locationKinds),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    dailyCapacity: z.number().int().min(0).max(10_000_000),
    pickCostCents: cents.default(0),
    packCostCents: cents.default(0),
    currency: CurrencyCode.default('USD'),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US').default('US'),
    region: z.string().trim().max(100).default(''),
    shipsToCustomers: z.boolean().optional().openapi({ description: 'Ships parcels from its stock; default: every kind but dropship' }),
    offersPickup: z.boolean().optional().openapi({ description: 'Hands out pickup orders; default: stores only (never a drop-ship vendor)' }),
  })
  .refine((l) => !(l.kind === 'dropship' && l.offersPickup === true), { path: ['offersPickup'], message: 'a drop-ship vendor has no pickup counter' })
  .openapi('CreateLocationInput');
export type CreateLocationInput = z.infer<typeof CreateLocationInput>;

export const Location = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(locationKinds),
    lat: z.number(),
    lon: z.number(),
    country: z.string(),
    region: z.string(),
    dailyCapacity: z.number().int(),
    pickCostCents: z.number().int(),
    packCostCents: z.number().int(),
    currency: z.string(),
    active: z.boolean(),
    shipsToCustomers: z.boolean(),
    offersPickup: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Location');
export type Location = z.infer<typeof Location>;

export const UpdateLocationInput = z
  .strictObject({
    name: text(200),
    dailyCapacity: z.number().int().min(0).max(10_000_000),
    pickCostCents: cents,
    packCostCents: cents,
    active: z.boolean().openapi({ description: 'An inactive location is never sourced from; its open shipments are rerouted by rejecting them' }),
    shipsToCustomers: z.boolean(),
    offersPickup: z.boolean(),
  })
  .partial()
  .refine((u) => Object.keys(u).length > 0, { message: 'names nothing to change' })
  .openapi('UpdateLocationInput');
export type UpdateLocationInput = z.infer<typeof UpdateLocationInput>;

export const CreatePromotionInput = z
  .strictObject({
    name: text(200),
    code: z.string().trim().regex(/^[A-Z0-9_-]{2,50}$/, 'must be 2-50 upper-case letters, digits, dashes or underscores').optional(),
    kind: z.enum(promotionKinds),
    percentBp: z.number().int().min(1).max(10_000).optional(),
    amountCents: z.number().int().positive().max(100_000_000).optional(),
    currency: CurrencyCode.optional(),
    sku: text(64).optional(),
    category: text(100).optional(),
    channel: z.enum(channels).optional(),
    minSubtotalCents: cents.default(0),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.kind === 'order_amount') {
      if (p.amountCents === undefined) ctx.addIssue({ code: 'custom', path: ['amountCents'], message: 'is required for order_amount' });
      if (p.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required for order_amount' });
    } else if (p.percentBp === undefined) {
      ctx.addIssue({ code: 'custom', path: ['percentBp'], message: `is required for ${p.kind}` });
    }
    if (p.kind === 'line_percent' && !p.sku && !p.category) ctx.addIssue({ code: 'custom', path: ['sku'], message: 'a line promotion targets a sku or a category' });
    if (p.startsAt && p.endsAt && Date.parse(p.endsAt) <= Date.parse(p.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  })
  .openapi('CreatePromotionInput');
export type CreatePromotionInput = z.infer<typeof CreatePromotionInput>;

export const Promotion = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string().nullable(),
    kind: z.enum(promotionKinds),
    percentBp: z.number().int().nullable(),
    amountCents: z.number().int().nullable(),
    currency: z.string().nullable(),
    sku: z.string().nullable(),
    category: z.string().nullable(),
    channel: z.enum(channels).nullable(),
    minSubtotalCents: z.number().int(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Promotion');

export const TaxRate = z
  .strictObject({
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
    region: z.string().trim().toUpperCase().max(100).default(''),
    ratePpm: z.number().int().min(0).max(500_000).openapi({ description: 'parts per million: 6.25% is 62500' }),
  })
  .openapi('TaxRate');
export type TaxRate = z.infer<typeof TaxRate>;

export const SalesChannel = z.object({ code: z.enum(channels), name: z.string(), allowBackorder: z.boolean() }).openapi('SalesChannel');
export const UpdateSalesChannelInput = z.strictObject({ allowBackorder: z.boolean() });

export const ListQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

import { z } from '@hono/zod-openapi';
import { returnReasons, returnRequesters, returnResolutions, returnStatuses } from '#db/schema/returns.ts';
import { Address, MAX_LINES_PER_ORDER, MAX_UNITS_PER_LINE, OrderLineInput } from '#server/orders/order.schemas.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const units = (min: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(MAX_UNITS_PER_LINE, `must be at most ${MAX_UNITS_PER_LINE}`);

export const ReturnStatus = z.enum(returnStatuses);
export type ReturnStatus = z.infer<typeof ReturnStatus>;
export const ReturnReason = z.enum(returnReasons);
export type ReturnReason = z.infer<typeof ReturnReason>;

export const ReturnLineRequest = z.strictObject({
  sku: text(64),
  quantity: units(1),
  reason: ReturnReason,
  note: text(500).optional(),
});

const requestedLines = z
  .array(ReturnLineRequest)
  .min(1, 'a return needs at least one line')
  .max(MAX_LINES_PER_ORDER, `a return has at most ${MAX_LINES_PER_ORDER} lines`)
  .superRefine((lines, ctx) => {
    const seen = new Map<string, number>();
    lines.forEach((line, i) => {
      if (seen.has(line.sku)) ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: `repeats line ${seen.get(line.sku)}; put the whole quantity on one line` });
      else seen.set(line.sku, i);
    });
  });

/** Staff open an RMA for any order. */
export const RequestReturnInput = z
  .strictObject({
    order: text(100).openapi({ description: 'order id or number' }),
    lines: requestedLines,
    note: text(1000).optional(),
  })
  .openapi('RequestReturnInput');
export type RequestReturnInput = z.infer<typeof RequestReturnInput>;

/** The customer opens an RMA from the tracking page: the order is in the path. */
export const CustomerReturnInput = z.strictObject({ lines: requestedLines, note: text(1000).optional() }).openapi('CustomerReturnInput');
export type CustomerReturnInput = z.infer<typeof CustomerReturnInput>;

export const TrackQuery = z.object({ email: z.string().trim().toLowerCase().max(254).default('') });

export const Disposition = z.strictObject({
  restock: units(0).default(0),
  refurbish: units(0).default(0),
  scrap: units(0).default(0),
  returnToVendor: units(0).default(0),
});
export type Disposition = z.infer<typeof Disposition>;

export const ReceiveReturnInput = z
  .strictObject({
    locationId: z.uuid('must be a location id'),
    lines: z
      .array(z.strictObject({ returnLineId: z.uuid('must be a return line id'), quantity: units(1), disposition: Disposition }))
      .min(1, 'a receipt needs at least one line')
      .max(MAX_LINES_PER_ORDER),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.lines.forEach((line, i) => {
      if (seen.has(line.returnLineId)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'returnLineId'], message: 'repeats an earlier line of this receipt' });
      seen.add(line.returnLineId);
      const d = line.disposition;
      const sum = d.restock + d.refurbish + d.scrap + d.returnToVendor;
      if (sum !== line.quantity) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'disposition'], message: `must account for every unit received: ${sum} of ${line.quantity}` });
      }
    });
  })
  .openapi('ReceiveReturnInput');
export type ReceiveReturnInput = z.infer<typeof ReceiveReturnInput>;

const note = text(1000).optional();

/**
 * How an RMA is settled. Shipping is not refunded unless `includeShipping` says so (once per
 * order). An exchange places a new order for `lines` and settles the difference on the cards.
 */
export const ResolveReturnInput = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('refund'), includeShipping: z.boolean().default(false), note }),
    z.strictObject({ kind: z.literal('store_credit'), includeShipping: z.boolean().default(false), note }),
    z.strictObject({
      kind: z.literal('exchange'),
      lines: z.array(OrderLineInput).min(1, 'an exchange needs at least one line').max(MAX_LINES_PER_ORDER),
      payment: z.strictObject({ method: z.literal('card'), token: text(200) }),
      shippingAddress: Address.optional(),
      note,
    }),
  ])
  .openapi('ResolveReturnInput');
export type ResolveReturnInput = z.infer<typeof ResolveReturnInput>;

export const ReturnReasonInput = z.strictObject({ reason: text(500).optional() });
export type ReturnReasonInput = z.infer<typeof ReturnReasonInput>;

export const ReturnPolicyInput = z.strictObject({ windowDays: z.number().int('must be a whole number').min(0).max(3650) }).openapi('ReturnPolicyInput');
export const ReturnPolicy = z.object({ category: z.string(), windowDays: z.number().int() }).openapi('ReturnPolicy');

export const ReturnLine = z.object({
  id: z.string(),
  orderLineId: z.string(),
  sku: z.string(),
  category: z.string(),
  quantity: z.number().int(),
  reason: ReturnReason,
  note: z.string().nullable(),
  receivedQuantity: z.number().int(),
  disposition: z.object({ restock: z.number().int(), refurbish: z.number().int(), scrap: z.number().int(), returnToVendor: z.number().int() }),
  restockLocationId: z.string().nullable(),
});

export const Return = z
  .object({
    id: z.string(),
    number: z.string(),
    orderId: z.string(),
    orderNumber: z.string(),
    status: ReturnStatus,
    requestedBy: z.enum(returnRequesters),
    currency: z.string(),
    note: z.string().nullable(),
    locationId: z.string().nullable(),
    resolution: z.enum(returnResolutions).nullable(),
    refundedCents: z.number().int(),
    shippingRefundedCents: z.number().int(),
    storeCreditCents: z.number().int(),
    exchangeOrderId: z.string().nullable(),
    rejectReason: z.string().nullable(),
    lines: z.array(ReturnLine),
    requestedAt: z.string(),
    authorizedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    inspectedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('Return');
export type Return = z.infer<typeof Return>;

export const ReturnSearchQuery = z.strictObject({
  order: z.string().trim().max(100).optional().openapi({ description: 'order id or number' }),
  status: ReturnStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ReturnSearchQuery = z.infer<typeof ReturnSearchQuery>;

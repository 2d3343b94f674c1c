import { z } from '@hono/zod-openapi';

const Quantity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000);

export const ProposalQuery = z.strictObject({
  status: z.enum(['proposed', 'approved', 'rejected', 'superseded']).optional(),
  kind: z.enum(['purchase', 'transfer']).optional(),
  sku: z.string().trim().min(1).max(64).optional(),
  locationId: z.uuid().optional(),
  runId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ProposalQuery = z.infer<typeof ProposalQuery>;

export const Proposal = z
  .object({
    id: z.string(),
    runId: z.string().nullable().openapi({ description: 'The forecast run that proposed it; null when asked for from an alert' }),
    alertId: z.string().nullable().openapi({ description: 'The alert it was proposed from, if any' }),
    sku: z.string(),
    locationId: z.string(),
    kind: z.enum(['purchase', 'transfer']),
    status: z.enum(['proposed', 'approved', 'rejected', 'superseded']),
    supplierId: z.string().nullable(),
    fromLocationId: z.string().nullable(),
    suggestedQuantity: z.number().int(),
    quantity: z.number().int(),
    unitCostCents: z.number().int(),
    costCents: z.number().int(),
    currency: z.string(),
    leadTimeDays: z.number().int(),
    position: z.record(z.string(), z.number()).openapi({ description: 'available, inbound, safetyStock, reorderPoint, orderUpTo, demandOverLeadTime, demandOverProtection, daysOfCover when proposed' }),
    stockoutDate: z.string().nullable().openapi({ description: 'When stock runs out without this proposal' }),
    purchaseOrderId: z.string().nullable(),
    transferId: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('RestockProposal');

export const ApproveInput = z
  .strictObject({
    ids: z.array(z.uuid('must be a proposal id')).min(1, 'must name at least one proposal').max(1_000).refine((ids) => new Set(ids).size === ids.length, 'must not repeat a proposal'),
    quantities: z.record(z.string(), Quantity).optional().openapi({ description: 'Changed quantities by proposal id' }),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .openapi('ApproveProposalsInput');

export const RejectInput = z
  .strictObject({
    ids: z.array(z.uuid('must be a proposal id')).min(1, 'must name at least one proposal').max(1_000).refine((ids) => new Set(ids).size === ids.length, 'must not repeat a proposal'),
    reason: z.string().trim().min(1, 'say why').max(500),
  })
  .openapi('RejectProposalsInput');

export const EditInput = z.strictObject({ quantity: Quantity.optional(), note: z.string().trim().min(1).max(500).optional() }).openapi('EditProposalInput');

export const ApprovalResult = z
  .object({
    proposals: z.array(Proposal),
    purchaseOrders: z.array(z.object({ id: z.string(), number: z.string(), supplierId: z.string(), locationId: z.string(), lines: z.number().int() })),
    transfers: z.array(z.object({ id: z.string(), number: z.string(), fromLocationId: z.string(), toLocationId: z.string(), lines: z.number().int() })),
  })
  .openapi('ApprovalResult');

export const PolicySettings = z
  .object({
    sku: z.string(),
    locationId: z.string(),
    serviceLevel: z.number().openapi({ description: 'Cycle service level in effect (the default when not set)' }),
    reviewPeriodDays: z.number().int(),
    leadTimeDays: z.number().int().nullable().openapi({ description: 'The planner’s lead time; null: the supplier’s or the lane’s' }),
    active: z.boolean(),
    custom: z.boolean().openapi({ description: 'Whether a planner set anything for this SKU at this location' }),
  })
  .openapi('ReplenishmentSettings');

export const PolicySettingsInput = z
  .strictObject({
    serviceLevel: z.number().gt(0.5, 'must be above 0.5').lt(1, 'must be below 1').nullable().optional(),
    reviewPeriodDays: z.number().int().min(1).max(90).nullable().optional(),
    leadTimeDays: z.number().int().min(0).max(365).nullable().optional(),
    active: z.boolean().optional(),
  })
  .openapi('ReplenishmentSettingsInput');
export type PolicySettingsInput = z.infer<typeof PolicySettingsInput>;

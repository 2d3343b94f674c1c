import { z } from '@hono/zod-openapi';
import { storeCreditReasons } from '#db/schema/returns.ts';

export const StoreCreditEntry = z.object({
  id: z.number().int(),
  deltaCents: z.number().int(),
  currency: z.string(),
  balanceAfterCents: z.number().int(),
  reason: z.enum(storeCreditReasons),
  returnId: z.string().nullable(),
  orderId: z.string().nullable(),
  note: z.string().nullable(),
  occurredAt: z.string(),
});

export const StoreCredit = z
  .object({
    email: z.string(),
    balances: z.array(z.object({ currency: z.string(), balanceCents: z.number().int() })),
    ledger: z.array(StoreCreditEntry),
  })
  .openapi('StoreCredit');
export type StoreCredit = z.infer<typeof StoreCredit>;

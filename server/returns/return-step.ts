import type { Executor } from '#db/client.ts';
import type { ServiceContext } from '#server/context.ts';
import type { StockKey } from '#server/inventory/lock-stock-levels.ts';
import type { LockedOrder } from '#server/orders/lock-order.ts';
import { appendEvents, type NewEvent } from '#server/outbox/append-events.ts';
import type { LockedReturn } from './lock-return.ts';
import { orderFacts, type OrderFacts } from './return-events.ts';

/**
 * Where a step of an RMA runs: the transaction, the step's moment, and the order facts its
 * events copy. A single command reads the facts when it needs them; a batch reads every
 * order's at once.
 */
export interface ReturnWork {
  ctx: ServiceContext;
  tx: Executor;
  occurredAt: Date;
  facts(orderId: string): Promise<OrderFacts>;
}

/** An RMA and its order, locked (order first). Steps keep the statuses current as they write. */
export interface LockedTarget {
  rma: LockedReturn;
  order: LockedOrder;
}

export interface StepDone {
  returnId: string;
  /** Events for the caller to append: one statement for a whole batch. */
  events: NewEvent[];
  /** SKUs whose units went back on hand: waiting orders may now be filled. */
  restocked: string[];
}

/**
 * A step checked and ready to write. Preparing only reads and checks, so a refusal (a
 * DomainError) leaves nothing written and a batch goes on with its other items; writing
 * does not refuse. `stock` names the inventory levels writing will move, which a batch locks
 * first, all at once in the stock commands' order.
 */
export type PreparedStep = (() => Promise<StepDone>) & { readonly stock?: readonly StockKey[] };

export function singleWork(ctx: ServiceContext, tx: Executor, occurredAt: Date): ReturnWork {
  return { ctx, tx, occurredAt, facts: (orderId) => orderFacts(tx, orderId) };
}

/** A single command's step: prepared, written and its events appended in its own transaction. */
export async function runStep(work: ReturnWork, prepared: Promise<PreparedStep>): Promise<StepDone> {
  const done = await (await prepared)();
  await appendEvents(work.tx, done.events);
  return done;
}

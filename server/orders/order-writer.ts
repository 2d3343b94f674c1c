import type { Database, Executor } from '#db/client.ts';
import { isTransientConflict } from '#db/errors.ts';
import { StatementBatcher, type StatementBatcherOptions } from '#server/core/statement-batcher.ts';
import { isStockMoved, lockStock, type LocatedStock } from '#server/inventory/reserve-stock.ts';
import { writeOrders, type OrderDraft } from './write-orders.ts';

export type OrderWriterOptions = StatementBatcherOptions;

/** What was written for a draft: its number (null when its idempotency key was already claimed), and the draft as written. */
export interface WrittenOrder {
  number: string | null;
  /** The draft itself, or its plan made again under lock when its planned units had moved. */
  draft: OrderDraft;
}

/**
 * Group commit for order capture: orders that arrive while earlier ones are being written
 * are written together by the next statement (see StatementBatcher), and one order's failure
 * (stock that moved, a clash of external references, any error) never fails another.
 *
 * A statement whose planned units were taken first (its orders planned from an unlocked read)
 * is written again at once as one transaction: the stock of all its SKUs locked, each order
 * planned again in turn from what the ones before it left, then one statement for all. Run
 * alone instead, each order would cost a statement and then a locked one of its own, and a
 * statement fails this way hundreds of times a minute when hot SKUs run low (Black Friday in
 * a backfill), while those single writes met each other in deadlocks.
 */
export class OrderWriter {
  readonly #batcher: StatementBatcher<OrderDraft, WrittenOrder | Error>;
  #ordersWritten = 0;
  #replanned = 0;

  constructor(db: Database, options: Partial<OrderWriterOptions> = {}) {
    this.#batcher = new StatementBatcher(
      {
        run: async (drafts) => {
          let outcomes: (WrittenOrder | Error)[];
          try {
            const written = await writeOrders(db, drafts);
            outcomes = drafts.map((draft) => ({ number: written.get(draft.orderId) ?? null, draft }));
          } catch (error) {
            if (!isStockMoved(error) || drafts.some((d) => !d.replan)) throw error;
            this.#replanned++;
            outcomes = await db.transaction((tx) => writeReplanned(tx, drafts));
          }
          this.#ordersWritten += outcomes.filter((o) => !(o instanceof Error) && o.number !== null).length;
          return outcomes;
        },
        // Two statements writing returning customers and hot SKUs' stock may deadlock: PostgreSQL
        // rolls one back whole, and it is run again (seen at Black Friday's rates in a backfill).
        retryable: isTransientConflict,
        // Two orders with one idempotency key or external reference cannot share a statement.
        conflictKeys: ({ claim, input }) =>
          input.externalRef === undefined
            ? [`key\u0000${claim.scope}\u0000${claim.key}`]
            : [`key\u0000${claim.scope}\u0000${claim.key}`, `ref\u0000${input.channel}\u0000${input.externalRef}`],
      },
      options,
    );
  }

  /**
   * Writes the order; its number is null when its idempotency key was already claimed. Throws
   * the order's own refusal when, planned again under lock, the stock left cannot serve it.
   */
  async write(draft: OrderDraft): Promise<WrittenOrder> {
    const outcome = await this.#batcher.submit(draft);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** Statements run, orders written and statements written again under lock so far: how much the batching saved. */
  stats(): { statements: number; orders: number; replanned: number } {
    return { statements: this.#batcher.stats().statements, orders: this.#ordersWritten, replanned: this.#replanned };
  }
}

/**
 * The drafts planned again, oldest first, from the stock of all their SKUs locked (in the same
 * (sku, location) order as every other locking read), and written in one statement; a draft the
 * stock left cannot serve answers its refusal and writes nothing.
 */
async function writeReplanned(tx: Executor, drafts: readonly OrderDraft[]): Promise<(WrittenOrder | Error)[]> {
  const stock = await lockStock(tx, [...new Set(drafts.flatMap((d) => d.input.lines.map((l) => l.sku)))], null);
  const levels = new Map<string, LocatedStock>(stock.map((level) => [`${level.sku}\u0000${level.locationId}`, { ...level }]));
  const left = [...levels.values()];
  const planned = drafts.map((draft): OrderDraft | Error => {
    try {
      const again = draft.replan!(left);
      for (const a of again.plan.allocations) {
        const level = levels.get(`${a.sku}\u0000${a.locationId}`);
        if (level) level.available -= a.quantity;
      }
      return again;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  const toWrite = planned.filter((p): p is OrderDraft => !(p instanceof Error));
  const written = toWrite.length > 0 ? await writeOrders(tx, toWrite) : new Map<string, string>();
  return planned.map((p) => (p instanceof Error ? p : { number: written.get(p.orderId) ?? null, draft: p }));
}

import type { Database } from '#db/client.ts';
import { isTransientConflict } from '#db/errors.ts';
import { StatementBatcher, type StatementBatcherOptions } from '#server/core/statement-batcher.ts';
import { writeOrders, type OrderDraft } from './write-orders.ts';

export type OrderWriterOptions = StatementBatcherOptions;

/**
 * Group commit for order capture: orders that arrive while earlier ones are being written
 * are written together by the next statement (see StatementBatcher), and one order's failure
 * (stock that moved, a clash of external references, any error) never fails another.
 */
export class OrderWriter {
  readonly #batcher: StatementBatcher<OrderDraft, string | null>;
  #ordersWritten = 0;

  constructor(db: Database, options: Partial<OrderWriterOptions> = {}) {
    this.#batcher = new StatementBatcher(
      {
        run: async (drafts) => {
          const written = await writeOrders(db, drafts);
          this.#ordersWritten += written.size;
          return drafts.map((d) => written.get(d.orderId) ?? null);
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

  /** The new order's number, or null when its idempotency key was already claimed. */
  write(draft: OrderDraft): Promise<string | null> {
    return this.#batcher.submit(draft);
  }

  /** Statements run and orders written so far: how much the batching saved. */
  stats(): { statements: number; orders: number } {
    return { statements: this.#batcher.stats().statements, orders: this.#ordersWritten };
  }
}

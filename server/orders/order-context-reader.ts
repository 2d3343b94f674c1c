import type { Database } from '#db/client.ts';
import { StatementBatcher, type StatementBatcherOptions } from '#server/core/statement-batcher.ts';
import { orderContextOf, readOrderContexts, type OrderContext, type OrderContextRequest, type RawOrderContext } from './order-context.ts';

/**
 * Reads what order capture needs for each order (reference data, stock, earlier requests
 * under the same key), the orders that arrive together in one statement: under load a
 * context read per order was a round trip, an executor start-up and a PostgreSQL process
 * woken for each, on the same cores that run everything else.
 */
export class OrderContextReader {
  readonly #batcher: StatementBatcher<OrderContextRequest, RawOrderContext>;

  constructor(db: Database, options: Partial<StatementBatcherOptions> = {}) {
    this.#batcher = new StatementBatcher({ run: (requests) => readOrderContexts(db, requests) }, options);
  }

  /** The order's context, or the ValidationError naming each reference it got wrong. */
  async read(request: OrderContextRequest): Promise<OrderContext> {
    return orderContextOf(request.input, await this.#batcher.submit(request));
  }

  /** Statements run and contexts read so far. */
  stats(): { statements: number; reads: number } {
    const { statements, items } = this.#batcher.stats();
    return { statements, reads: items };
  }
}

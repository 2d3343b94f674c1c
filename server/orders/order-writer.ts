import type { Database } from '#db/client.ts';
import { writeOrders, type OrderDraft } from './write-orders.ts';

export interface OrderWriterOptions {
  /** Most orders one statement writes. */
  maxBatch: number;
  /** Statements writing orders at once; the rest of the orders wait for the next one. */
  maxInFlight: number;
}

interface Pending {
  draft: OrderDraft;
  resolve: (number: string | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for order capture: orders that arrive while earlier ones are being written
 * are written together by the next statement, so under load PostgreSQL starts, commits and
 * answers one statement per batch instead of one per order, and an idle system writes each
 * order at once, with no added wait.
 *
 * One order's failure never fails another: when a batch fails (stock that moved, a clash of
 * external references, any error), each of its orders is written again alone and gets its
 * own outcome.
 */
export class OrderWriter {
  readonly #db: Database;
  readonly #options: OrderWriterOptions;
  #queue: Pending[] = [];
  #inFlight = 0;
  #statements = 0;
  #ordersWritten = 0;

  constructor(db: Database, options: Partial<OrderWriterOptions> = {}) {
    this.#db = db;
    this.#options = { maxBatch: 32, maxInFlight: 2, ...options };
  }

  /** The new order's number, or null when its idempotency key was already claimed. */
  write(draft: OrderDraft): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ draft, resolve, reject });
      this.#pump();
    });
  }

  /** Statements run and orders written so far: how much the batching saved. */
  stats(): { statements: number; orders: number } {
    return { statements: this.#statements, orders: this.#ordersWritten };
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /**
   * The oldest waiting orders, up to maxBatch. An order sharing an idempotency key or an
   * external reference with one already taken waits for a later batch: in one statement the
   * two could not be told apart.
   */
  #takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    for (const pending of this.#queue) {
      const { claim, input } = pending.draft;
      const claimKey = `key\u0000${claim.scope}\u0000${claim.key}`;
      const refKey = input.externalRef === undefined ? undefined : `ref\u0000${input.channel}\u0000${input.externalRef}`;
      if (batch.length >= this.#options.maxBatch || keys.has(claimKey) || (refKey !== undefined && keys.has(refKey))) {
        rest.push(pending);
        continue;
      }
      keys.add(claimKey);
      if (refKey !== undefined) keys.add(refKey);
      batch.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #run(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const written = await this.#write(batch);
        for (const p of batch) p.resolve(written.get(p.draft.orderId) ?? null);
        return;
      } catch {
        // Retried alone below, where each order meets its own error, if it has one.
      }
    }
    await Promise.all(
      batch.map((p) =>
        this.#write([p]).then(
          (written) => p.resolve(written.get(p.draft.orderId) ?? null),
          (error: unknown) => p.reject(error),
        ),
      ),
    );
  }

  async #write(batch: Pending[]): Promise<Map<string, string>> {
    this.#statements++;
    const written = await writeOrders(this.#db, batch.map((p) => p.draft));
    this.#ordersWritten += written.size;
    return written;
  }
}

export interface StatementBatcherOptions {
  /** Most items one statement carries. */
  maxBatch: number;
  /** Statements running at once; the rest of the items wait for the next one. */
  maxInFlight: number;
}

export interface StatementBatcherSpec<In, Out> {
  /** Runs one statement for the items, answering each by position. */
  run: (items: In[]) => Promise<Out[]>;
  /**
   * Keys two items of one statement may not share (an idempotency key, say): in one
   * statement they could not be told apart, so the later one waits for the next.
   */
  conflictKeys?: (item: In) => readonly string[];
  /**
   * Errors that say nothing of the items, only of what ran beside them (a deadlock): the statement
   * is run again, up to three times in all, before its items meet the error.
   */
  retryable?: (error: unknown) => boolean;
}

const ATTEMPTS = 3;

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Group statements for the order hot path: items that arrive while earlier statements run are
 * carried together by the next one, so under load PostgreSQL parses, starts, commits and
 * answers one statement per batch instead of one per item (and fewer of its processes compete
 * for the cores), while an idle system runs each item at once, with no added wait.
 *
 * One item's failure never fails another: when a statement of several fails, each of its
 * items runs again alone and gets its own outcome. A statement that failed for what ran beside
 * it (`retryable`, a deadlock) is run again first.
 */
export class StatementBatcher<In, Out> {
  readonly #spec: StatementBatcherSpec<In, Out>;
  readonly #options: StatementBatcherOptions;
  #queue: Pending<In, Out>[] = [];
  #inFlight = 0;
  #statements = 0;
  #items = 0;

  constructor(spec: StatementBatcherSpec<In, Out>, options: Partial<StatementBatcherOptions> = {}) {
    this.#spec = spec;
    this.#options = { maxBatch: 32, maxInFlight: 2, ...options };
  }

  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#pump();
    });
  }

  /** Statements run and items they answered so far: how much the batching saved. */
  stats(): { statements: number; items: number } {
    return { statements: this.#statements, items: this.#items };
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight++;
      void this.#runBatch(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** The oldest waiting items, up to maxBatch, none sharing a conflict key with another. */
  #takeBatch(): Pending<In, Out>[] {
    const conflictKeys = this.#spec.conflictKeys;
    const batch: Pending<In, Out>[] = [];
    const rest: Pending<In, Out>[] = [];
    const taken = new Set<string>();
    for (const pending of this.#queue) {
      const keys = conflictKeys ? conflictKeys(pending.item) : [];
      if (batch.length >= this.#options.maxBatch || keys.some((k) => taken.has(k))) {
        rest.push(pending);
        continue;
      }
      for (const k of keys) taken.add(k);
      batch.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #runBatch(batch: Pending<In, Out>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const outs = await this.#run(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(outs[i]!));
        return;
      } catch {
        // Run again alone below, where each item meets its own error, if it has one.
      }
    }
    await Promise.all(
      batch.map((p) =>
        this.#run([p.item]).then(
          (outs) => p.resolve(outs[0]!),
          (error: unknown) => p.reject(error),
        ),
      ),
    );
  }

  async #run(items: In[]): Promise<Out[]> {
    this.#statements++;
    let outs: Out[];
    for (let attempt = 1; ; attempt++) {
      try {
        outs = await this.#spec.run(items);
        break;
      } catch (error) {
        if (attempt >= ATTEMPTS || !this.#spec.retryable?.(error)) throw error;
        this.#statements++;
        // A moment apart, so the statements that met in a deadlock do not meet again at once.
        await new Promise((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));
      }
    }
    if (outs.length !== items.length) throw new Error(`a batched statement answered ${outs.length} of ${items.length} items`);
    this.#items += items.length;
    return outs;
  }
}

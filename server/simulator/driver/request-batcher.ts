/** When a batcher sends what it gathered: once at most `atMost` requests of `client` are unanswered. */
export interface BatchPace {
  client: { whenAtMost(atMost: number, run: () => void): void };
  atMost: number;
}

/**
 * Gathers the items that steps submit and sends them as bulk requests of at most `maxBatch`,
 * answering each submitter with its own item's outcome. A failed bulk request fails each of its
 * items. Without a pace, a batch is what was submitted in one turn of the event loop (the
 * scheduler starts every lane of a window at once); with one, it goes on gathering while more
 * than `atMost` requests are unanswered (their answers move lanes on to this step), so lanes that
 * reach a step at different moments share one request. A full batch goes at once either way, and
 * so does a batch holding an urgent item.
 */
interface Submitted<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

export class RequestBatcher<In, Out> {
  private pending: Submitted<In, Out>[] = [];
  private scheduled = false;
  private paced = false;
  private urgent = false;

  constructor(
    private readonly send: (items: In[], urgent: boolean) => Promise<Out[]>,
    private readonly maxBatch: number,
    private readonly pace?: BatchPace,
  ) {}

  /** An urgent item (a step everything else waits for) sends what was gathered with it at once, as an urgent request. */
  submit(item: In, urgent = false): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.urgent ||= urgent;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length >= this.maxBatch) this.sendChunk(this.pending.splice(0, this.maxBatch), this.urgent);
    if (this.pending.length === 0) {
      this.urgent = false;
      return;
    }
    if (this.urgent || !this.pace) return this.sendAll();
    if (this.paced) return;
    this.paced = true;
    this.pace.client.whenAtMost(this.pace.atMost, () => {
      this.paced = false;
      this.sendAll();
    });
  }

  private sendAll(): void {
    const all = this.pending;
    const urgent = this.urgent;
    this.pending = [];
    this.urgent = false;
    for (let i = 0; i < all.length; i += this.maxBatch) this.sendChunk(all.slice(i, i + this.maxBatch), urgent);
  }

  private sendChunk(chunk: Submitted<In, Out>[], urgent: boolean): void {
    this.send(
      chunk.map((p) => p.item),
      urgent,
    ).then(
      (outs) => chunk.forEach((p, k) => p.resolve(outs[k]!)),
      (error: unknown) => chunk.forEach((p) => p.reject(error)),
    );
  }
}

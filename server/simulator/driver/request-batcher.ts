/**
 * Gathers the items that steps submit in one turn of the event loop (the scheduler starts every
 * lane of a window at once) and sends them as bulk requests of at most `maxBatch`, answering each
 * submitter with its own item's outcome. A failed bulk request fails each of its items.
 */
export class RequestBatcher<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += this.maxBatch) {
      const chunk = all.slice(i, i + this.maxBatch);
      this.send(chunk.map((p) => p.item)).then(
        (outs) => chunk.forEach((p, k) => p.resolve(outs[k]!)),
        (error: unknown) => chunk.forEach((p) => p.reject(error)),
      );
    }
  }
}

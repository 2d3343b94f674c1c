/**
 * A timed action of the simulation. Actions of one lane (an order's life) run one after another in
 * time order; actions of different lanes are independent and may run at once. A barrier (lane null:
 * the day's receipts, its midnight) runs alone, after every earlier action and before every later
 * one. A sync point (a release to the floor) runs once every action up to its moment is done,
 * while later actions that do not depend on it go on.
 */
export interface TimedAction {
  atMs: number;
  lane: string | null;
  run: () => Promise<void>;
  /** Asked when the action is next in its lane: true holds it until every sync point before its moment has run. */
  gate?: (() => boolean) | undefined;
  /** Whether a sync point after it must wait for it (false: nothing it does or schedules concerns them). */
  feeds: boolean;
  /** The first moment whose sync points wait for it, when it feeds (its own moment unless its flow says later). */
  feedsAt: number;
}

/** How a lane action relates to sync points (see TimedAction). */
export interface Flow {
  gate?: () => boolean;
  feeds?: boolean;
  /**
   * What it does or schedules concerns only sync points from this moment on (a short pick's first
   * steps, whose units are handed back when it is packed): earlier ones do not wait for it.
   */
  feedsFrom?: number;
}

interface Entry<T> {
  atMs: number;
  seq: number;
  item: T;
}

/** A binary min-heap by time; equal times come out in insertion order, so runs repeat exactly. */
export class MinHeap<T> {
  private readonly entries: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.entries.length;
  }

  push(atMs: number, item: T): void {
    const entries = this.entries;
    entries.push({ atMs, seq: this.seq++, item });
    let i = entries.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entries[i]!, entries[parent]!)) break;
      [entries[i], entries[parent]] = [entries[parent]!, entries[i]!];
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.entries[0]?.atMs;
  }

  pop(): T | undefined {
    const entries = this.entries;
    const top = entries[0];
    if (!top) return undefined;
    const last = entries.pop()!;
    if (entries.length > 0) {
      entries[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < entries.length && before(entries[left]!, entries[smallest]!)) smallest = left;
        if (right < entries.length && before(entries[right]!, entries[smallest]!)) smallest = right;
        if (smallest === i) break;
        [entries[i], entries[smallest]] = [entries[smallest]!, entries[i]!];
        i = smallest;
      }
    }
    return top.item;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

/** Lane actions, barriers and sync points in three heaps, so the next of each is always known. */
export class EventQueue {
  private readonly lanes = new MinHeap<TimedAction>();
  private readonly barriers = new MinHeap<TimedAction>();
  private readonly syncs = new MinHeap<TimedAction>();

  get size(): number {
    return this.lanes.size + this.barriers.size + this.syncs.size;
  }

  schedule(atMs: number, lane: string | null, run: () => Promise<void>, flow: Flow = {}): void {
    const action = { atMs, lane, run, gate: flow.gate, feeds: flow.feeds ?? true, feedsAt: Math.max(atMs, flow.feedsFrom ?? atMs) };
    if (lane === null) this.barriers.push(atMs, action);
    else this.lanes.push(atMs, action);
  }

  scheduleSync(atMs: number, run: () => Promise<void>): void {
    this.syncs.push(atMs, { atMs, lane: null, run, feeds: true, feedsAt: atMs });
  }

  nextLaneTime(): number | undefined {
    return this.lanes.peekTime();
  }

  nextBarrierTime(): number | undefined {
    return this.barriers.peekTime();
  }

  nextSyncTime(): number | undefined {
    return this.syncs.peekTime();
  }

  nextTime(): number | undefined {
    const times = [this.lanes.peekTime(), this.barriers.peekTime(), this.syncs.peekTime()].filter((t) => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Every lane action due before `endMs`, grouped by lane, each lane in time order. */
  takeLanesBefore(endMs: number): TimedAction[][] {
    const byLane = new Map<string, TimedAction[]>();
    for (let action = this.takeLaneBefore(endMs); action; action = this.takeLaneBefore(endMs)) {
      const list = byLane.get(action.lane!);
      if (list) list.push(action);
      else byLane.set(action.lane!, [action]);
    }
    return [...byLane.values()];
  }

  /** The earliest lane action, if it is due before `endMs`. */
  takeLaneBefore(endMs: number): TimedAction | undefined {
    return (this.lanes.peekTime() ?? Infinity) < endMs ? this.lanes.pop() : undefined;
  }

  takeBarrier(): TimedAction | undefined {
    return this.barriers.pop();
  }

  takeSync(): TimedAction | undefined {
    return this.syncs.pop();
  }
}

import { MinHeap, type EventQueue, type Flow, type TimedAction } from './event-queue.ts';

export interface SchedulerOptions {
  /**
   * The longest stretch of simulated time whose lane actions run together: within it each lane
   * keeps its order, and lanes go on independently of each other.
   */
  windowMs: number;
  /** An action failed; the run goes on (the error is counted, not thrown). */
  onError: (error: unknown) => void;
  signal?: AbortSignal | undefined;
}

/** Moments of the lane actions taken and not yet finished that sync points wait for, smallest first. */
class Outstanding {
  private readonly heap = new MinHeap<number>();
  private readonly counts = new Map<number, number>();

  add(atMs: number): void {
    const n = this.counts.get(atMs) ?? 0;
    if (n === 0) this.heap.push(atMs, atMs);
    this.counts.set(atMs, n + 1);
  }

  remove(atMs: number): void {
    const n = this.counts.get(atMs)! - 1;
    if (n > 0) this.counts.set(atMs, n);
    else this.counts.delete(atMs);
  }

  min(): number {
    for (let t = this.heap.peekTime(); t !== undefined; t = this.heap.peekTime()) {
      if (this.counts.has(t)) return t;
      this.heap.pop();
    }
    return Infinity;
  }
}

/**
 * Runs a queue's actions in simulated time, as fast as the answers come. A window runs every lane
 * action before its end at once, lane by lane, each lane's actions in order (including those its
 * own actions schedule inside the window); it ends at the next barrier, which then runs alone, or
 * after `windowMs`. Sync points inside a window run one at a time, each once every lane action up
 * to its moment that concerns it is done; later lane actions do not wait for them unless gated. So a quiet stretch costs as many rounds as it has dependent steps, not one
 * round per half hour.
 */
export class Scheduler {
  /** The simulated moment the run has reached. */
  nowMs = 0;

  private windowEnd = -Infinity;
  /** Taken lane actions not yet started, per lane, in time order. */
  private readonly pending = new Map<string, TimedAction[]>();
  private readonly busy = new Set<string>();
  /** Lanes with a pending action and nothing running: to start at the next step. */
  private readonly ready = new Set<string>();
  /** Lanes whose next action waits for a sync point. */
  private readonly held = new Set<string>();
  private readonly outstanding = new Outstanding();
  private syncRunningAt: number | null = null;
  private pumping = false;
  private pumpAgain = false;
  private windowDone: (() => void) | null = null;

  constructor(
    readonly queue: EventQueue,
    private readonly options: SchedulerOptions,
  ) {}

  /**
   * Schedules an action; `lane` null is a barrier. A lane action whose outcome a sync point must
   * not see early (a cancel of an order its release has not reached, units handed back to be
   * released again) passes a `gate`: while it answers true, the action waits, next in its lane,
   * until every sync point before its moment has run. Sync points wait for every earlier lane
   * action unless it says `feeds: false` (nothing it does or schedules before them concerns them).
   */
  at(atMs: number, lane: string | null, run: () => Promise<void>, flow?: Flow): void {
    this.queue.schedule(atMs, lane, run, flow);
    if (lane !== null && atMs < this.windowEnd) this.pump();
  }

  /** Schedules a sync point: it runs once every lane action up to `atMs` is done. */
  sync(atMs: number, run: () => Promise<void>): void {
    this.queue.scheduleSync(atMs, run);
    if (atMs < this.windowEnd) this.pump();
  }

  /** Runs every action due before `endMs`, as fast as Tower answers. */
  async runUntil(endMs: number): Promise<void> {
    while (!this.options.signal?.aborted) {
      const laneAt = this.queue.nextLaneTime() ?? Infinity;
      const syncAt = this.queue.nextSyncTime() ?? Infinity;
      const barrierAt = this.queue.nextBarrierTime() ?? Infinity;
      const first = Math.min(laneAt, syncAt);
      if (Math.min(first, barrierAt) >= endMs) break;
      // Lane actions and sync points at a barrier's own moment come first: a release at t sees the orders placed at t.
      if (barrierAt < first) {
        const barrier = this.queue.takeBarrier()!;
        this.nowMs = Math.max(this.nowMs, barrier.atMs);
        await this.attempt(barrier);
        continue;
      }
      this.nowMs = Math.max(this.nowMs, first);
      await this.runWindow(Math.min(endMs, barrierAt + 1, first + this.options.windowMs));
    }
    if (!this.options.signal?.aborted) this.nowMs = Math.max(this.nowMs, endMs);
  }

  private syncsBefore(atMs: number): number {
    return (this.syncRunningAt !== null && this.syncRunningAt < atMs ? 1 : 0) + ((this.queue.nextSyncTime() ?? Infinity) < atMs ? 1 : 0);
  }

  private runWindow(endMs: number): Promise<void> {
    this.windowEnd = endMs;
    return new Promise((resolve) => {
      this.windowDone = resolve;
      this.pump();
    });
  }

  /** Starts whatever may start now; ends the window when nothing is left in it. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    do {
      this.pumpAgain = false;
      this.step();
    } while (this.pumpAgain);
    this.pumping = false;
  }

  private step(): void {
    const aborted = this.options.signal?.aborted ?? false;
    if (!aborted) {
      for (let action = this.queue.takeLaneBefore(this.windowEnd); action; action = this.queue.takeLaneBefore(this.windowEnd)) {
        const list = this.pending.get(action.lane!);
        if (action.feeds) this.outstanding.add(action.feedsAt);
        if (!this.busy.has(action.lane!)) this.ready.add(action.lane!);
        if (!list) this.pending.set(action.lane!, [action]);
        else {
          // Scheduled from elsewhere (a release) before what the lane already holds: keep time order.
          let i = list.length;
          while (i > 0 && list[i - 1]!.atMs > action.atMs) i--;
          list.splice(i, 0, action);
        }
      }
      for (const lane of this.ready) this.startLane(lane);
      this.ready.clear();
      const syncAt = this.queue.nextSyncTime() ?? Infinity;
      if (this.syncRunningAt === null && syncAt < this.windowEnd && this.outstanding.min() > syncAt) this.startSync();
    }
    const idle = this.busy.size === 0 && this.syncRunningAt === null;
    const more = !aborted && ((this.queue.nextLaneTime() ?? Infinity) < this.windowEnd || (this.queue.nextSyncTime() ?? Infinity) < this.windowEnd);
    if (idle && !more && !aborted && this.held.size > 0) {
      // No sync point is left before them: their gates are open.
      for (const lane of this.held) this.ready.add(lane);
      this.pumpAgain = true;
      return;
    }
    if (idle && !more && this.windowDone) {
      const done = this.windowDone;
      this.windowDone = null;
      this.windowEnd = -Infinity;
      this.pending.clear();
      this.ready.clear();
      this.held.clear();
      done();
    }
  }

  private startLane(lane: string): void {
    const list = this.pending.get(lane)!;
    if (list[0]!.gate?.() && this.syncsBefore(list[0]!.atMs) > 0) {
      this.held.add(lane);
      return;
    }
    this.held.delete(lane);
    const action = list.shift()!;
    if (list.length === 0) this.pending.delete(lane);
    this.busy.add(lane);
    this.nowMs = Math.max(this.nowMs, action.atMs);
    void this.attempt(action).then(() => {
      if (action.feeds) this.outstanding.remove(action.feedsAt);
      this.busy.delete(lane);
      if (this.pending.has(lane)) this.ready.add(lane);
      this.pump();
    });
  }

  private startSync(): void {
    const sync = this.queue.takeSync()!;
    this.syncRunningAt = sync.atMs;
    this.nowMs = Math.max(this.nowMs, sync.atMs);
    void this.attempt(sync).then(() => {
      this.syncRunningAt = null;
      for (const lane of this.held) this.ready.add(lane);
      this.pump();
    });
  }

  private async attempt(action: TimedAction): Promise<void> {
    if (this.options.signal?.aborted) return;
    try {
      await action.run();
    } catch (error) {
      this.options.onError(error);
    }
  }
}

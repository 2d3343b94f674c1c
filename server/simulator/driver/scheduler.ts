import type { EventQueue, TimedAction } from './event-queue.ts';

export interface SchedulerOptions {
  /**
   * Lane actions within this much simulated time of the earliest one run together; a larger
   * window keeps more requests in flight, a smaller one keeps lanes closer to time order.
   */
  windowMs: number;
  /** An action failed; the run goes on (the error is counted, not thrown). */
  onError: (error: unknown) => void;
  signal?: AbortSignal | undefined;
}

/**
 * Runs a queue's actions in simulated time: everything due in a window at once, lane by lane,
 * each lane's actions in order; a barrier alone once every earlier action is done. Actions may
 * schedule more actions, also inside the current window.
 */
export class Scheduler {
  /** The simulated moment the run has reached. */
  nowMs = 0;

  constructor(
    readonly queue: EventQueue,
    private readonly options: SchedulerOptions,
  ) {}

  /** Schedules an action; `lane` null is a barrier. */
  at(atMs: number, lane: string | null, run: () => Promise<void>): void {
    this.queue.schedule(atMs, lane, run);
  }

  /** Runs every action due before `endMs`, as fast as Tower answers. */
  async runUntil(endMs: number): Promise<void> {
    while (!this.options.signal?.aborted) {
      const laneAt = this.queue.nextLaneTime() ?? Infinity;
      const barrierAt = this.queue.nextBarrierTime() ?? Infinity;
      if (Math.min(laneAt, barrierAt) >= endMs) break;
      // Lane actions at a barrier's own moment come first: a release at t sees the orders placed at t.
      if (barrierAt < laneAt) {
        const barrier = this.queue.takeBarrier()!;
        this.nowMs = Math.max(this.nowMs, barrier.atMs);
        await this.attempt(barrier);
        continue;
      }
      const windowEnd = Math.min(endMs, barrierAt + 1, laneAt + this.options.windowMs);
      const lanes = this.queue.takeLanesBefore(windowEnd);
      this.nowMs = Math.max(this.nowMs, laneAt);
      await Promise.all(lanes.map((actions) => this.runLane(actions)));
    }
    if (!this.options.signal?.aborted) this.nowMs = Math.max(this.nowMs, endMs);
  }

  private async runLane(actions: readonly TimedAction[]): Promise<void> {
    for (const action of actions) {
      if (this.options.signal?.aborted) return;
      await this.attempt(action);
    }
  }

  private async attempt(action: TimedAction): Promise<void> {
    try {
      await action.run();
    } catch (error) {
      this.options.onError(error);
    }
  }
}

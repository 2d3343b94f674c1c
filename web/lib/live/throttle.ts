interface Timers {
  set(run: () => void, ms: number): ReturnType<typeof setTimeout>;
  clear(timer: ReturnType<typeof setTimeout>): void;
}

// Called as plain functions: a browser's setTimeout called as a method of another object throws.
const browserTimers: Timers = { set: (run, ms) => setTimeout(run, ms), clear: (timer) => clearTimeout(timer) };

/**
 * Collects items and hands them over in batches, at most once per `intervalMs`: the first item
 * of a quiet period is flushed on the next tick, later ones wait for the interval. 50 events a
 * second then cost a handful of renders, not 50.
 */
export function batcher<T>(flush: (items: T[]) => void, intervalMs: number, timers: Timers = browserTimers) {
  let pending: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastFlush = -Infinity;
  const run = () => {
    timer = null;
    lastFlush = Date.now();
    const items = pending;
    pending = [];
    if (items.length > 0) flush(items);
  };
  return {
    push(item: T) {
      pending.push(item);
      if (timer !== null) return;
      const wait = Math.max(0, lastFlush + intervalMs - Date.now());
      timer = timers.set(run, wait);
    },
    cancel() {
      if (timer !== null) timers.clear(timer);
      timer = null;
      pending = [];
    },
  };
}

/**
 * Collects items and hands them over in batches, at most once per `intervalMs`: the first item
 * of a quiet period is flushed on the next tick, later ones wait for the interval. 50 events a
 * second then cost a handful of renders, not 50.
 */
export function batcher<T>(flush: (items: T[]) => void, intervalMs: number, timers: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout }) {
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

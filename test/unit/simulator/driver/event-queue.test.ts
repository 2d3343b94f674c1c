import { describe, expect, it } from 'vitest';
import { EventQueue, MinHeap } from '#server/simulator/driver/event-queue.ts';
import { Scheduler } from '#server/simulator/driver/scheduler.ts';
import { createRandom } from '#server/simulator/random.ts';

const noop = async () => {};

describe('MinHeap', () => {
  it('gives items back by time, equal times in the order they came', () => {
    const heap = new MinHeap<string>();
    const random = createRandom(1, 'heap');
    const items = Array.from({ length: 500 }, (_, i) => ({ at: random.int(0, 50), name: `item-${i}` }));
    for (const item of items) heap.push(item.at, item.name);
    const out: string[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    const expected = items.map((item, i) => ({ ...item, i })).sort((a, b) => a.at - b.at || a.i - b.i).map((item) => item.name);
    expect(out).toEqual(expected);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekTime()).toBeUndefined();
  });
});

describe('EventQueue', () => {
  it('keeps barriers apart from lanes and groups due lane actions by lane, each in time order', () => {
    const queue = new EventQueue();
    queue.schedule(30, 'b', noop);
    queue.schedule(10, 'a', noop);
    queue.schedule(20, 'a', noop);
    queue.schedule(5, null, noop);
    queue.schedule(40, 'a', noop);
    expect(queue.size).toBe(5);
    expect(queue.nextBarrierTime()).toBe(5);
    expect(queue.nextLaneTime()).toBe(10);
    expect(queue.nextTime()).toBe(5);
    const lanes = queue.takeLanesBefore(35);
    expect(lanes.map((actions) => actions.map((a) => `${a.lane}@${a.atMs}`))).toEqual([['a@10', 'a@20'], ['b@30']]);
    expect(queue.nextLaneTime()).toBe(40);
    expect(queue.takeBarrier()?.atMs).toBe(5);
    expect(queue.nextBarrierTime()).toBeUndefined();
  });
});

describe('Scheduler', () => {
  it("runs each lane's actions in order, a barrier after everything before it and before everything after", async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 1_000, onError: (e) => log.push(`error ${String(e)}`) });
    const step = (name: string, delayMs = 0) => async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      log.push(name);
    };
    scheduler.at(10, 'slow', step('slow-1', 20));
    scheduler.at(20, 'slow', step('slow-2'));
    scheduler.at(15, 'fast', step('fast-1'));
    // A lane action at the barrier's own moment runs before it: a release sees the orders of its moment.
    scheduler.at(50, 'fast', step('fast-at-barrier'));
    scheduler.at(50, null, step('barrier'));
    scheduler.at(60, 'slow', step('slow-after-barrier'));
    await scheduler.runUntil(1_000);
    expect(log.indexOf('slow-1')).toBeLessThan(log.indexOf('slow-2'));
    expect(log.indexOf('fast-1')).toBeLessThan(log.indexOf('slow-1'));
    expect(log.indexOf('fast-at-barrier')).toBeLessThan(log.indexOf('barrier'));
    expect(log.slice(-2)).toEqual(['barrier', 'slow-after-barrier']);
    expect(log).toHaveLength(6);
    expect(scheduler.nowMs).toBe(1_000);
  });

  it('runs actions scheduled while running, stops before the end moment, and counts failures without stopping', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 100, onError: (e) => errors.push(e) });
    scheduler.at(0, 'order', async () => {
      log.push('placed');
      scheduler.at(5, 'order', async () => {
        log.push('picked');
      });
      scheduler.at(500, 'order', async () => {
        log.push('delivered');
      });
    });
    scheduler.at(1, 'other', async () => {
      throw new Error('refused');
    });
    await scheduler.runUntil(500);
    expect(log).toEqual(['placed', 'picked']);
    expect(errors).toHaveLength(1);
    expect(scheduler.queue.nextTime()).toBe(500);
    await scheduler.runUntil(501);
    expect(log).toEqual(['placed', 'picked', 'delivered']);
  });

  it('runs a sync point once every earlier action that concerns it is done, while later lanes go on; a gated action waits for it', async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 1_000, onError: (e) => log.push(`error ${String(e)}`) });
    const step = (name: string, delayMs = 0) => async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      log.push(name);
    };
    scheduler.at(10, 'placed', step('placed', 20));
    // A scan long after the sync point's moment runs ahead of it; one before it that says it does not concern it does not hold it.
    scheduler.at(80, 'scan', step('scan-later'));
    scheduler.at(20, 'quiet', step('quiet-before', 60), { feeds: false });
    scheduler.sync(50, step('release'));
    // Gated: an order's cancel after the release waits for it; an open gate does not.
    scheduler.at(60, 'cancel', step('cancel'), { gate: () => true });
    scheduler.at(60, 'open', step('open-gate'), { gate: () => false });
    await scheduler.runUntil(1_000);
    expect(log.indexOf('placed')).toBeLessThan(log.indexOf('release'));
    expect(log.indexOf('release')).toBeLessThan(log.indexOf('cancel'));
    expect(log.indexOf('scan-later')).toBeLessThan(log.indexOf('release'));
    expect(log.indexOf('open-gate')).toBeLessThan(log.indexOf('release'));
    expect(log.indexOf('release')).toBeLessThan(log.indexOf('quiet-before'));
    expect(log).toHaveLength(6);
  });

  it('a sync point before the moment an action feeds from does not wait for it; one at or after it does', async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 1_000, onError: (e) => log.push(`error ${String(e)}`) });
    // A short pick's claim at 10 whose units go back when it is packed at 100: its step takes long.
    scheduler.at(
      10,
      'short',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 40));
        log.push('claim');
        scheduler.at(100, 'short', async () => void log.push('hand-back'));
      },
      { feedsFrom: 100 },
    );
    scheduler.sync(50, async () => void log.push('release-50'));
    scheduler.sync(150, async () => void log.push('release-150'));
    await scheduler.runUntil(1_000);
    expect(log).toEqual(['release-50', 'claim', 'hand-back', 'release-150']);
  });

  it('a window runs the follow-ups its actions schedule inside it, each lane in time order', async () => {
    const log: string[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 1_000, onError: () => {} });
    scheduler.at(0, 'a', async () => {
      log.push('a0');
      scheduler.at(5, 'a', async () => void log.push('a5'));
      // Scheduled into a lane before what it already holds: it still comes first.
      scheduler.at(3, 'b', async () => void log.push('b3'));
    });
    scheduler.at(1, 'b', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push('b1');
    });
    scheduler.at(4, 'b', async () => void log.push('b4'));
    await scheduler.runUntil(10);
    expect(log.indexOf('a0')).toBeLessThan(log.indexOf('a5'));
    expect(log).toEqual(expect.arrayContaining(['b1', 'b3', 'b4']));
    expect(log.filter((e) => e.startsWith('b'))).toEqual(['b1', 'b3', 'b4']);
    expect(log).toHaveLength(5);
  });

  it('stops at once when the signal aborts', async () => {
    const controller = new AbortController();
    const log: number[] = [];
    const scheduler = new Scheduler(new EventQueue(), { windowMs: 1, onError: () => {}, signal: controller.signal });
    for (let t = 0; t < 10; t++) {
      scheduler.at(t * 10, null, async () => {
        log.push(t);
        if (t === 2) controller.abort();
      });
    }
    await scheduler.runUntil(1_000);
    expect(log).toEqual([0, 1, 2]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batcher } from '../../../web/lib/live/throttle.ts';
import { canManageOrders, canUse, homeFor, navFor } from '../../../web/lib/nav.ts';

describe('event batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('50 events a second for two seconds reach the page in at most 9 batches, none lost', () => {
    const batches: number[][] = [];
    const batch = batcher<number>((items) => batches.push(items), 250);
    for (let i = 0; i < 100; i++) {
      batch.push(i);
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(500);
    expect(batches.length).toBeLessThanOrEqual(9);
    expect(batches.flat()).toEqual([...Array(100).keys()]);
  });

  it('the first event after a quiet period is delivered at once', () => {
    const batches: number[][] = [];
    const batch = batcher<number>((items) => batches.push(items), 250);
    batch.push(1);
    vi.advanceTimersByTime(0);
    expect(batches).toEqual([[1]]);
  });
});

describe('navigation', () => {
  it('each role sees the pages of its work', () => {
    expect(navFor(['planner']).map((i) => i.href)).toEqual(['/tower', '/orders', '/alerts', '/inventory', '/forecasts', '/purchasing', '/track']);
    expect(navFor(['staff']).map((i) => i.href)).toEqual(['/orders', '/alerts', '/inventory', '/fulfillment', '/returns', '/purchasing', '/track']);
    expect(homeFor(['staff'])).toBe('/orders');
    expect(homeFor(['manager'])).toBe('/tower');
  });

  it('a page below a section follows the section; only managing roles act on orders', () => {
    expect(canUse(['planner'], '/orders/123')).toBe(true);
    expect(canUse(['planner'], '/returns')).toBe(false);
    expect(canManageOrders(['planner'])).toBe(false);
    expect(canManageOrders(['staff'])).toBe(true);
  });
});

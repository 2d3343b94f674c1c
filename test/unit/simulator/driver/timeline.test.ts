import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { dayToMs } from '#server/simulator/calendar.ts';
import { dailyOrders } from '#server/simulator/daily-orders.ts';
import { defaultDemandModel } from '#server/simulator/demand-model.ts';
import { ordersOfDay, type DemandPlan } from '#server/simulator/driver/timeline.ts';
import { quietScenario } from '#server/simulator/scenario.ts';

const business = createBusiness(3);
const scenario = quietScenario('2026-11-01', '2026-12-31');
const backfill = { ...defaultDemandModel, anchorDay: '2026-12-01', ordersPerDay: 200 };
const live = { model: { ...backfill, ordersPerDay: 30 * 1440 }, keyPrefix: 'SIM-L30-' };
const liveFromMs = dayToMs('2026-12-01') + 15 * 3_600_000;
const plan = (withLive: boolean): DemandPlan => ({ business, scenario, seed: 3, backfill, liveFromMs, live: withLive ? live : null });

describe('ordersOfDay', () => {
  it('a day of history is the backfill model’s whole day', () => {
    expect(ordersOfDay(plan(true), '2026-11-20')).toEqual(dailyOrders(business, scenario, '2026-11-20', 3, backfill));
  });

  it('without live traffic, the day the run starts stops at its start', () => {
    const orders = ordersOfDay(plan(false), '2026-12-01');
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => Date.parse(o.placedAt) < liveFromMs)).toBe(true);
    expect(ordersOfDay(plan(false), '2026-12-02')).toEqual([]);
  });

  it('the day live starts takes history before the start and the live model after, under other keys', () => {
    const orders = ordersOfDay(plan(true), '2026-12-01');
    const before = orders.filter((o) => Date.parse(o.placedAt) < liveFromMs);
    const after = orders.filter((o) => Date.parse(o.placedAt) >= liveFromMs);
    expect(before.every((o) => o.key.startsWith('SIM-3-'))).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
    for (const o of after) {
      expect(o.key).toMatch(/^SIM-L30-3-2026-12-01-/);
      expect(o.draft.externalRef).toBe(o.key);
    }
    expect(new Set(orders.map((o) => o.key)).size).toBe(orders.length);
    // About 16,000 live orders (30 a minute for 9 hours) are drawn: seconds of CPU, more than the
    // default 5 s when CI's lanes share two cores (8.8 s at load 7).
  }, 30_000);
});

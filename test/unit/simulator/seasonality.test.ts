import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { dayOfWeek, monthOf } from '#server/simulator/calendar.ts';
import { ordersBetween, type SimulatedOrder } from '#server/simulator/daily-orders.ts';
import { defaultDemandModel, type DemandModel } from '#server/simulator/demand-model.ts';
import type { Channel } from '#server/simulator/order-body.ts';
import { createScenario, quietScenario } from '#server/simulator/scenario.ts';

// Growth off and no promotions or spikes: what is measured is the designed weekly and yearly shape alone.
const flat: DemandModel = { ...defaultDemandModel, ordersPerDay: 200, annualGrowth: 0 };
const business = createBusiness(31);
const year = [...ordersBetween(business, quietScenario('2026-01-01', '2027-01-01'), '2026-01-01', '2027-01-01', 31, flat)];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ordersOf = (orders: SimulatedOrder[], channel: Channel) => orders.filter((o) => o.draft.channel === channel).length;

function weekendToWeekday(channel: Channel): { measured: number; designed: number } {
  const weekend = year.filter((d) => [0, 6].includes(dayOfWeek(d.day))).map((d) => ordersOf(d.orders, channel));
  const weekday = year.filter((d) => ![0, 6].includes(dayOfWeek(d.day))).map((d) => ordersOf(d.orders, channel));
  const w = flat.weekly[channel];
  return { measured: mean(weekend) / mean(weekday), designed: mean([w[0], w[6]]) / mean([w[1], w[2], w[3], w[4], w[5]]) };
}

describe('generated history has the designed seasonality (measured over a year)', () => {
  it('web peaks at the weekend by the designed ratio', () => {
    const { measured, designed } = weekendToWeekday('web');
    expect(designed).toBeGreaterThan(1.2);
    expect(measured / designed).toBeGreaterThan(0.96);
    expect(measured / designed).toBeLessThan(1.04);
  });

  it('b2b buys on weekdays by the designed ratio', () => {
    const { measured, designed } = weekendToWeekday('b2b');
    expect(designed).toBeLessThan(0.1);
    expect(Math.abs(measured - designed)).toBeLessThan(0.02);
  });

  it('December sells the designed multiple of March', () => {
    const perDay = (month: number) => mean(year.filter((d) => monthOf(d.day) === month).map((d) => d.orders.length));
    const designed = flat.monthly[11]! / flat.monthly[2]!;
    expect(designed).toBeGreaterThan(1.7);
    expect(perDay(11) / perDay(2) / designed).toBeGreaterThan(0.95);
    expect(perDay(11) / perDay(2) / designed).toBeLessThan(1.05);
  });

  it('splits orders across channels by the designed shares', () => {
    const all = year.flatMap((d) => d.orders);
    for (const [channel, share] of Object.entries(flat.channelShare)) {
      expect(Math.abs(ordersOf(all, channel as Channel) / all.length - share)).toBeLessThan(0.01);
    }
  });
});

describe('trend and scenario effects', () => {
  it('grows by the designed yearly rate', () => {
    const growing: DemandModel = { ...flat, annualGrowth: 0.2, anchorDay: '2026-01-01' };
    const count = (from: string, to: string) => [...ordersBetween(business, quietScenario(from, to), from, to, 31, growing)].reduce((n, d) => n + d.orders.length, 0);
    // Same weeks of the year, a year apart: only the trend differs.
    expect(count('2027-03-01', '2027-03-29') / count('2026-03-02', '2026-03-30')).toBeGreaterThan(1.14);
    expect(count('2027-03-01', '2027-03-29') / count('2026-03-02', '2026-03-30')).toBeLessThan(1.26);
  });

  it('lifts the web channel by a promotion’s uplift while it runs', () => {
    const scenario = createScenario(business, '2026-11-01', '2026-12-15', 31);
    const blackFriday = scenario.promotions.find((p) => p.code === 'BLACKFRIDAY26')!;
    const days = [...ordersBetween(business, scenario, '2026-11-01', '2026-12-15', 31, flat)];
    const quiet = [...ordersBetween(business, quietScenario('2026-11-01', '2026-12-15'), '2026-11-01', '2026-12-15', 31, flat)];
    const web = (ds: typeof days) => ds.filter((d) => d.day >= blackFriday.start && d.day < blackFriday.end).reduce((n, d) => n + ordersOf(d.orders, 'web'), 0);
    expect(web(days) / web(quiet) / blackFriday.uplift).toBeGreaterThan(0.93);
    expect(web(days) / web(quiet) / blackFriday.uplift).toBeLessThan(1.07);
    const withCode = days.flatMap((d) => d.orders).filter((o) => o.draft.promotionCode === 'BLACKFRIDAY26').length;
    expect(withCode).toBeGreaterThan(0);
  });
});

import { dayOfWeek, daysBetween, monthOf, type Day } from './calendar.ts';
import type { Channel } from './order-body.ts';

type PerChannel<T> = Record<Channel, T>;
/** Sunday first, like Date#getUTCDay. */
type Week = readonly [number, number, number, number, number, number, number];

/** The designed demand: every factor is a multiplier whose mean over its cycle is 1. */
export interface DemandModel {
  /** Orders a day across all channels at `anchorDay`, averaged over the week and the year. */
  ordersPerDay: number;
  anchorDay: Day;
  /** Compound yearly growth: 0.2 is +20 % a year, so history before the anchor is smaller. */
  annualGrowth: number;
  channelShare: PerChannel<number>;
  weekly: PerChannel<Week>;
  /** January first. */
  monthly: readonly number[];
}

export const defaultDemandModel: DemandModel = {
  ordersPerDay: 400,
  anchorDay: '2026-12-01',
  annualGrowth: 0.2,
  channelShare: { web: 0.52, marketplace: 0.2, store: 0.12, phone: 0.06, b2b: 0.1 },
  weekly: {
    // Consumers shop online at the weekend, businesses buy on weekdays, phones ring in office hours.
    web: [1.22, 0.92, 0.9, 0.9, 0.92, 0.98, 1.16],
    marketplace: [1.12, 0.95, 0.93, 0.93, 0.95, 1.0, 1.12],
    store: [1.15, 0.85, 0.85, 0.9, 0.95, 1.05, 1.25],
    phone: [0.55, 1.15, 1.15, 1.15, 1.1, 1.1, 0.8],
    b2b: [0.1, 1.4, 1.4, 1.35, 1.35, 1.3, 0.1],
  },
  // A quiet late winter, a summer plateau, the holiday quarter well above (Dec ≈ 1.8 × Mar).
  monthly: [0.82, 0.8, 0.88, 0.9, 0.95, 0.92, 0.93, 0.98, 0.92, 1.0, 1.3, 1.6],
};

export function trendFactor(model: DemandModel, day: Day): number {
  return (1 + model.annualGrowth) ** (daysBetween(model.anchorDay, day) / 365.25);
}

/** Expected orders of one channel on one day before promotions and spikes. */
export function baselineOrders(model: DemandModel, channel: Channel, day: Day): number {
  return model.ordersPerDay * model.channelShare[channel] * trendFactor(model, day) * model.weekly[channel][dayOfWeek(day)]! * model.monthly[monthOf(day)]!;
}

import { dayToMs, type Day } from './calendar.ts';
import type { Channel } from './order-body.ts';
import type { Random } from './random.ts';

/**
 * Orders per hour of the day, in UTC hours shaped by US clocks: consumers peak in the evening
 * (00–03 UTC is 7–10 pm Eastern), stores follow opening hours, phones and buyers office hours.
 * Weights are relative. Because they are UTC, every order of a day falls inside that UTC day.
 */
const CONSUMER = [7, 6, 5, 3.5, 2, 1.2, 0.8, 0.6, 0.6, 0.8, 1.3, 2, 3, 4, 4.5, 5, 5, 5, 5.2, 5.5, 5.5, 5.5, 6, 6.5];
const STORE_HOURS = [3, 2, 1, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 2, 3.5, 4, 4.5, 5, 5, 5, 5.5, 5.5, 4.5];
const OFFICE_HOURS = [1, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 3, 5, 5.5, 5, 5, 5, 5, 4.5, 4, 3, 2];

export const hourlyProfile: Record<Channel, readonly number[]> = {
  web: CONSUMER,
  marketplace: CONSUMER,
  store: STORE_HOURS,
  phone: OFFICE_HOURS,
  b2b: OFFICE_HOURS,
};

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** A moment of the day for one order of the channel, as epoch milliseconds. */
export function sampleMomentMs(day: Day, channel: Channel, random: Random): number {
  const hour = random.pickWeighted(HOURS, hourlyProfile[channel]);
  return dayToMs(day) + hour * 3_600_000 + Math.floor(random.next() * 3_600_000);
}

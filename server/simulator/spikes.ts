import { addDays, type Day } from './calendar.ts';
import type { Channel } from './order-body.ts';
import type { Random } from './random.ts';

/** Unplanned demand: a product goes viral, a marketplace features the shop. Not announced, so forecasts miss it. */
export interface DemandSpike {
  start: Day;
  end: Day;
  factor: number;
  /** The one channel it hits, or null for all of them. */
  channel: Channel | null;
}

const SPIKE_EVERY_DAYS = 45;

export function scheduleSpikes(from: Day, to: Day, random: Random): DemandSpike[] {
  const spikes: DemandSpike[] = [];
  for (let day = addDays(from, random.int(5, SPIKE_EVERY_DAYS)); day < to; day = addDays(day, random.int(SPIKE_EVERY_DAYS - 15, SPIKE_EVERY_DAYS + 15))) {
    spikes.push({
      start: day,
      end: addDays(day, random.int(1, 2)),
      factor: Math.round(random.uniform(1.8, 3.2) * 100) / 100,
      channel: random.pickWeighted<Channel | null>(['web', 'marketplace', null], [2, 2, 1]),
    });
  }
  return spikes;
}

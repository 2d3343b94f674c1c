import { scheduleDisruptions, type Disruption } from './disruptions.ts';
import type { Business } from './business.ts';
import type { Day } from './calendar.ts';
import { schedulePromotions, type SimPromotion } from './promotions.ts';
import { createRandom } from './random.ts';
import { scheduleSpikes, type DemandSpike } from './spikes.ts';

/** What happens to the business over a stretch of time, decided up front so it can be checked against. */
export interface Scenario {
  from: Day;
  /** First day after the scenario. */
  to: Day;
  promotions: readonly SimPromotion[];
  spikes: readonly DemandSpike[];
  disruptions: readonly Disruption[];
}

export const quietScenario = (from: Day, to: Day): Scenario => ({ from, to, promotions: [], spikes: [], disruptions: [] });

const POPULAR_SKUS_AT_RISK = 20;

export function createScenario(business: Business, from: Day, to: Day, seed: number): Scenario {
  const popularSkus = business.products
    .filter((p) => p.dropshipVendorCode === null)
    .toSorted((a, b) => b.popularity - a.popularity || a.sku.localeCompare(b.sku))
    .slice(0, POPULAR_SKUS_AT_RISK)
    .map((p) => p.sku);
  return {
    from,
    to,
    // Separate streams: changing how spikes are drawn leaves promotions and disruptions as they were.
    promotions: schedulePromotions(from, to, business.categories.map((c) => c.name), createRandom(seed, 'promotions', from)),
    spikes: scheduleSpikes(from, to, createRandom(seed, 'spikes', from)),
    disruptions: scheduleDisruptions(
      from,
      to,
      {
        carriers: business.carriers.map((c) => c.code),
        capacityLocationCodes: business.locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl').map((l) => l.code),
        popularSkus,
      },
      createRandom(seed, 'disruptions', from),
    ),
  };
}

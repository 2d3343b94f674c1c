import { createBusiness } from '#server/simulator/business.ts';
import { addDays, type Day } from '#server/simulator/calendar.ts';
import type { Disruption } from '#server/simulator/disruptions.ts';

/** The most popular SKU a warehouse stocks (not drop-shipped): its stock-out shows quickly. */
export function popularSku(seed: number, rank = 0): string {
  return createBusiness(seed)
    .products.filter((p) => p.dropshipVendorCode === null)
    .toSorted((a, b) => b.popularity - a.popularity || a.sku.localeCompare(b.sku))[rank]!.sku;
}

/**
 * One disruption of each kind, a day apart, after `warmUpDays` of normal history (recent demand
 * and backlogs to compare with): the top SKU out at Edison for 3 days, Dallas at a fifth of its
 * capacity for 2, then the national carrier's parcels 60 % late by two days for 3. The last
 * parcels of the slowdown arrive about 4 days after it: a run needs `warmUpDays` + 6 days.
 */
export function oneOfEach(seed: number, warmUpDays = 3) {
  return (from: Day): Disruption[] => {
    const at = (n: number) => addDays(from, warmUpDays + n);
    return [
      { kind: 'stock_out', id: `stock_out-${at(0)}`, start: at(0), end: at(3), sku: popularSku(seed), locationCode: 'WH-EDISON' },
      { kind: 'capacity_loss', id: `capacity_loss-${at(1)}`, start: at(1), end: at(3), locationCode: 'WH-DALLAS', capacityFactor: 0.2 },
      { kind: 'carrier_slowdown', id: `carrier_slowdown-${at(2)}`, start: at(2), end: at(5), carrier: 'national-parcel', service: null, lateShare: 0.6, extraDays: 2 },
    ];
  };
}

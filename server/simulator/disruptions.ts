import { addDays, isWithin, type Day } from './calendar.ts';
import type { CarrierSlowdown } from './carriers.ts';
import type { DeliveryService } from './order-body.ts';
import type { Random } from './random.ts';

/**
 * Trouble the operations team must notice. Each is a window with its parameters, so a test of the
 * alert rules can ask: did an alert open for this carrier, location or SKU while it lasted?
 */
export type Disruption =
  | ({ kind: 'carrier_slowdown'; id: string; start: Day; end: Day; carrier: string; service: DeliveryService | null } & CarrierSlowdown)
  | { kind: 'capacity_loss'; id: string; start: Day; end: Day; locationCode: string; capacityFactor: number }
  | { kind: 'stock_out'; id: string; start: Day; end: Day; sku: string; locationCode: string | null };

export type DisruptionKind = Disruption['kind'];

export interface DisruptionTargets {
  carriers: readonly string[];
  /** Locations whose capacity can fall: warehouses and the 3PL. */
  capacityLocationCodes: readonly string[];
  /** SKUs worth running out of: the popular ones, so the gap shows. */
  popularSkus: readonly string[];
}

// About one disruption every three weeks, kinds taking turns so a short history still has each.
const DISRUPTION_EVERY_DAYS = 21;
const KIND_ORDER: readonly DisruptionKind[] = ['carrier_slowdown', 'capacity_loss', 'stock_out'];

export function scheduleDisruptions(from: Day, to: Day, targets: DisruptionTargets, random: Random): Disruption[] {
  const disruptions: Disruption[] = [];
  let turn = random.int(0, KIND_ORDER.length - 1);
  for (let start = addDays(from, random.int(3, 10)); start < to; start = addDays(start, random.int(DISRUPTION_EVERY_DAYS - 7, DISRUPTION_EVERY_DAYS + 7))) {
    const kind = KIND_ORDER[turn++ % KIND_ORDER.length]!;
    const id = `${kind}-${start}`;
    if (kind === 'carrier_slowdown') {
      disruptions.push({ kind, id, start, end: addDays(start, random.int(3, 10)), carrier: random.pick(targets.carriers), service: random.chance(0.5) ? 'standard' : null, lateShare: Math.round(random.uniform(0.4, 0.8) * 100) / 100, extraDays: random.int(1, 3) });
    } else if (kind === 'capacity_loss') {
      disruptions.push({ kind, id, start, end: addDays(start, random.int(2, 7)), locationCode: random.pick(targets.capacityLocationCodes), capacityFactor: Math.round(random.uniform(0.2, 0.5) * 100) / 100 });
    } else {
      disruptions.push({ kind, id, start, end: addDays(start, random.int(5, 14)), sku: random.pick(targets.popularSkus), locationCode: random.chance(0.6) ? null : random.pick(targets.capacityLocationCodes) });
    }
  }
  return disruptions;
}

/** The slowdown a parcel of this carrier and service handed over on `day` suffers, if any. */
export function carrierSlowdownOn(disruptions: readonly Disruption[], carrier: string, service: DeliveryService, day: Day): CarrierSlowdown | undefined {
  for (const d of disruptions) {
    if (d.kind === 'carrier_slowdown' && d.carrier === carrier && (d.service === null || d.service === service) && isWithin(day, d.start, d.end)) {
      return { lateShare: d.lateShare, extraDays: d.extraDays };
    }
  }
  return undefined;
}

export function activeDisruptions(disruptions: readonly Disruption[], day: Day): Disruption[] {
  return disruptions.filter((d) => isWithin(day, d.start, d.end));
}

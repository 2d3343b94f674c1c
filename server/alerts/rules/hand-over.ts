import { z } from 'zod';
import { locationKinds } from '#db/schema/locations.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { addBusinessDays, isBusinessDay, utcDay } from '#server/sourcing/promise-dates.ts';
import type { HandlingRule } from '#server/sourcing/sourcing-policy.ts';

export type LocationKind = (typeof locationKinds)[number];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * When each kind of location hands parcels to the carrier, as the rules assume it: the default
 * sourcing policy's cutoffs and handling days unless a rule's thresholds say otherwise.
 */
const handOverOf = (kind: LocationKind) =>
  z
    .strictObject({
      cutoffHourUtc: z.number().int().min(0).max(24).default(defaultSourcingPolicy.handling[kind].cutoffHourUtc),
      /** Business days the location takes on top (stores pick between customers, vendors in two days). */
      handlingDays: z.number().int().min(0).max(30).default(defaultSourcingPolicy.handling[kind].handlingDays),
    })
    .prefault({});

export const handOverThresholds = z
  .strictObject({ warehouse: handOverOf('warehouse'), '3pl': handOverOf('3pl'), store: handOverOf('store'), dropship: handOverOf('dropship') })
  .prefault({});
export type HandOverRules = z.infer<typeof handOverThresholds>;

/**
 * The carrier collection a shipment ready at `readyMs` makes: the location's cutoff that day
 * when it is a business day and the work is ready by then, else the next business day's; then
 * the handling days (business days) the location takes on top.
 */
export function expectedHandOverMs(readyMs: number, rule: HandlingRule): number {
  const day = utcDay(readyMs);
  const cutoffToday = day * DAY_MS + rule.cutoffHourUtc * HOUR_MS;
  const collectionDay = isBusinessDay(day) && readyMs <= cutoffToday ? day : addBusinessDays(day, 1);
  return addBusinessDays(collectionDay, rule.handlingDays) * DAY_MS + rule.cutoffHourUtc * HOUR_MS;
}

/** Business days from `fromDay` to `toDay` (UTC day numbers); negative when `toDay` is earlier. */
export function businessDaysBetween(fromDay: number, toDay: number): number {
  if (toDay === fromDay) return 0;
  const sign = toDay > fromDay ? 1 : -1;
  let count = 0;
  for (let day = fromDay; day !== toDay; ) {
    day += sign;
    if (isBusinessDay(day)) count += sign;
  }
  return count;
}

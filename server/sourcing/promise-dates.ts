import type { HandlingRule, SourcingPolicy } from './sourcing-policy.ts';

/**
 * Promised dates in whole UTC days (days since 1970-01-01). Locations ship and carriers
 * deliver on business days, Monday to Friday; stores hand out pickups every day. Public
 * holidays are not modelled.
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isBusinessDay(day: number): boolean {
  const d = weekday(day);
  return d !== 0 && d !== 6;
}

export function addBusinessDays(day: number, count: number): number {
  let result = day;
  for (let left = count; left > 0; ) {
    result += 1;
    if (isBusinessDay(result)) left -= 1;
  }
  return result;
}

/**
 * The day a shipment is handed to the carrier: the placement day when it is a business day
 * and the order came before the location's cutoff, else the next business day; then the
 * location's handling days.
 */
export function shipDay(placedAtMs: number, rule: HandlingRule): number {
  const day = utcDay(placedAtMs);
  const hour = Math.floor((placedAtMs - day * DAY_MS) / HOUR_MS);
  const release = isBusinessDay(day) && hour < rule.cutoffHourUtc ? day : addBusinessDays(day, 1);
  return addBusinessDays(release, rule.handlingDays);
}

/** Delivery: `transitDays` business days after the ship day (0 means the same day). */
export function deliveryDay(shipOn: number, transitDays: number): number {
  return addBusinessDays(shipOn, transitDays);
}

/** The day a pickup order is ready: `readyHours` after placement, the next day from the cutoff on. */
export function pickupReadyDay(placedAtMs: number, pickup: SourcingPolicy['pickup']): number {
  const readyMs = placedAtMs + pickup.readyHours * HOUR_MS;
  const day = utcDay(readyMs);
  const hour = Math.floor((readyMs - day * DAY_MS) / HOUR_MS);
  return hour < pickup.cutoffHourUtc ? day : day + 1;
}

const isoDays = new Map<number, string>();

/** `YYYY-MM-DD` of a UTC day (remembered: a decision formats the same few days again and again). */
export function isoDay(day: number): string {
  let text = isoDays.get(day);
  if (text === undefined) {
    if (isoDays.size >= 4_096) isoDays.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, text);
  }
  return text;
}

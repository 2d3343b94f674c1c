import type { LocationKind } from './locations.ts';
import type { Random } from './random.ts';

/**
 * How a location's staff get through released work: how soon picking starts, how long picking
 * and packing take, and when the carrier collects. The driver uses it to time the fulfillment
 * calls (and, during backfill, their historical timestamps).
 */
export interface FloorTiming {
  /** Hours from release until a picker claims the lines (median; lognormal spread 0.5). */
  claimMedianHours: number;
  /** Minutes a pick line takes, to its slot and back (median; lognormal spread 0.4). */
  pickMedianMinutes: number;
  packMedianMinutes: number;
  /** The carrier's daily collection, UTC hour; work packed later leaves the next day. */
  collectionHourUtc: number;
  /** Extra days before a parcel leaves (a vendor processes electronically; stores pick between customers). */
  handlingDays: number;
  /**
   * Chance a pick line comes up short (a slot holds fewer than the books say: a short pick,
   * re-sourced by Tower). Per line, not per unit: a case of 48 is one visit to one slot.
   */
  shortPickRate: number;
}

// Collection hours match the cutoffs of server/sourcing/default-policy.ts.
export const floorTiming: Record<LocationKind, FloorTiming> = {
  warehouse: { claimMedianHours: 1.5, pickMedianMinutes: 6, packMedianMinutes: 4, collectionHourUtc: 21, handlingDays: 0, shortPickRate: 0.003 },
  '3pl': { claimMedianHours: 2.5, pickMedianMinutes: 8, packMedianMinutes: 5, collectionHourUtc: 20, handlingDays: 0, shortPickRate: 0.006 },
  store: { claimMedianHours: 5, pickMedianMinutes: 12, packMedianMinutes: 8, collectionHourUtc: 19, handlingDays: 1, shortPickRate: 0.02 },
  dropship: { claimMedianHours: 20, pickMedianMinutes: 10, packMedianMinutes: 10, collectionHourUtc: 16, handlingDays: 2, shortPickRate: 0.004 },
};

export interface FloorPlan {
  claimedAtMs: number;
  pickedAtMs: number;
  packedAtMs: number;
  shippedAtMs: number;
  /** Units of each line (in the order given) the picker will not find: 0 nearly always. */
  shortByLine: number[];
  /** Their sum. */
  shortUnits: number;
}

/**
 * Seconds each further unit of a pick line adds at its slot. Until 2026-12-07 every unit cost a
 * whole pick (6 minutes in a warehouse): a b2b order of four cases of 24 took ten hours to pick.
 */
const UNIT_HANDLING_SECONDS = 10;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

/**
 * One shipment's way through the floor from its release. A location short of capacity (a
 * capacity_loss disruption) is modelled by the driver as a later release, not here.
 */
export function planFloorWork(kind: LocationKind, releasedAtMs: number, lineQuantities: readonly number[], random: Random): FloorPlan {
  const t = floorTiming[kind];
  const claimedAtMs = releasedAtMs + random.lognormal(Math.log(t.claimMedianHours), 0.5) * HOUR;
  // A picker's time goes on walking to each slot; the line's further units are taken there.
  const pickMinutes = lineQuantities.reduce((sum, q) => sum + random.lognormal(Math.log(t.pickMedianMinutes), 0.4) + ((q - 1) * UNIT_HANDLING_SECONDS) / 60, 0);
  const pickedAtMs = claimedAtMs + pickMinutes * MINUTE;
  const packedAtMs = pickedAtMs + random.lognormal(Math.log(t.packMedianMinutes), 0.4) * MINUTE;
  const packedDay = packedAtMs - (packedAtMs % DAY);
  const collectionToday = packedDay + t.collectionHourUtc * HOUR;
  const collection = (packedAtMs <= collectionToday ? collectionToday : collectionToday + DAY) + t.handlingDays * DAY;
  const shippedAtMs = collection + random.uniform(0, 0.5) * HOUR;
  // A short slot holds some of the line, or none of it.
  const shortByLine = lineQuantities.map((q) => (random.chance(t.shortPickRate) ? random.int(1, q) : 0));
  return { claimedAtMs, pickedAtMs, packedAtMs, shippedAtMs, shortByLine, shortUnits: shortByLine.reduce((sum, n) => sum + n, 0) };
}

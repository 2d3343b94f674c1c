import type { HandlingRule } from '#server/sourcing/sourcing-policy.ts';
import { addBusinessDays, isoDay, shipDay, utcDay } from '#server/sourcing/promise-dates.ts';
import { businessDaysBetween, expectedHandOverMs } from './hand-over.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Where an open carrier shipment is on the floor. */
export type FloorStage = 'claim' | 'pick' | 'pack' | 'hand_over';

export interface OpenShipment {
  shipmentId: string;
  orderId: string;
  stage: FloorStage;
  /** When it was released to the floor (its queue position among the unclaimed ones). */
  releasedAtMs: number;
  /** Pick stage: when a picker claimed it (null: not known). */
  claimedAtMs?: number | null;
  /** Packed shipments: when they were packed. */
  packedAtMs: number | null;
  placedAtMs: number;
  promisedAtMs: number;
  /** Units to pick (a case order of 150 takes hours); 1 when not known. */
  units?: number;
}

export interface FloorRates {
  /**
   * Hours the location's recent claims waited from their release (median): how long a shipment
   * released now waits for a picker. A capacity cut shows here as the floor falls behind.
   * Null: too few claims to measure; the queue at the throughput below stands in.
   */
  claimWaitHours?: number | null;
  /** Shipments the location claimed per hour lately (null: too few to measure). */
  claimsPerHour: number | null;
  /** What its capacity allows per hour: the rate when none was measured. */
  capacityPerHour: number;
  /** Minutes a unit took to pick lately (null: the stage times' figure). */
  pickMinutesPerUnit?: number | null;
}

export interface StageTimes {
  /** Minutes from a claim to a packed parcel (a shipment of a few units). */
  pickPackMinutes: number;
  /** Minutes from a full pick to a packed parcel. */
  packMinutes: number;
  /** Minutes a unit takes to pick when the floor's own pace is not measured. */
  pickMinutesPerUnit?: number;
}

export interface BreachPrediction {
  shipmentId: string;
  orderId: string;
  stage: FloorStage;
  /** The day the parcel should arrive, as promised and as now predicted (YYYY-MM-DD). */
  promisedDate: string;
  predictedDate: string;
  /** When it is predicted to be packed and handed over. */
  readyAt: string;
  handOverAt: string;
  /** Business days late (0: on time). */
  daysLate: number;
}

/**
 * Predicts when each open shipment of one location reaches the customer, from the location's
 * floor as it works now: a shipment waiting for a picker is claimed the measured claim wait after
 * its release (never before now), or, with too few claims to measure it, after the ones released
 * before it at the floor's throughput (queue position ÷ claims an hour); then the time to pick its
 * units and pack, the carrier collection that parcel makes (cutoff and handling days), and the
 * business days of transit its promise was built on (promised day less the ship day planned at
 * placement).
 */
export function predictBreaches(open: readonly OpenShipment[], rates: FloorRates, times: StageTimes, handOver: HandlingRule, nowMs: number): BreachPrediction[] {
  const perHour = rates.claimsPerHour !== null && rates.claimsPerHour > 0 ? rates.claimsPerHour : rates.capacityPerHour;
  const waitHours = rates.claimWaitHours ?? null;
  const queue = open.filter((s) => s.stage === 'claim').sort((a, b) => a.releasedAtMs - b.releasedAtMs || a.shipmentId.localeCompare(b.shipmentId));
  const position = new Map(queue.map((s, i) => [s.shipmentId, i + 1]));
  const unitMinutes = rates.pickMinutesPerUnit ?? times.pickMinutesPerUnit ?? 0;
  /** Claim to packed parcel: the stage times for a few units, longer for many. */
  const pickPackMs = (s: OpenShipment) => Math.max(times.pickPackMinutes, (s.units ?? 1) * unitMinutes + times.packMinutes) * MINUTE_MS;
  return open.map((s) => {
    let readyMs: number;
    if (s.stage === 'claim') {
      let claimMs: number;
      if (waitHours !== null) claimMs = Math.max(nowMs, s.releasedAtMs + waitHours * HOUR_MS);
      else claimMs = perHour > 0 ? nowMs + (position.get(s.shipmentId)! / perHour) * HOUR_MS : Infinity;
      readyMs = claimMs + pickPackMs(s);
    } else if (s.stage === 'pick') {
      readyMs = Math.max(nowMs + times.packMinutes * MINUTE_MS, s.claimedAtMs == null ? nowMs + pickPackMs(s) : s.claimedAtMs + pickPackMs(s));
    } else if (s.stage === 'pack') readyMs = nowMs + times.packMinutes * MINUTE_MS;
    else readyMs = s.packedAtMs ?? nowMs;
    // The handling days run from placement, alongside the floor's work (as the promise counted them):
    // a parcel leaves with the collection of its planned ship day, or the first one after it is ready.
    const plannedShipDay = shipDay(s.placedAtMs, handOver);
    const plannedMs = plannedShipDay * DAY_MS + handOver.cutoffHourUtc * HOUR_MS;
    const sameDay = { cutoffHourUtc: handOver.cutoffHourUtc, handlingDays: 0 };
    let handOverMs = Number.isFinite(readyMs) ? Math.max(plannedMs, expectedHandOverMs(readyMs, sameDay)) : Infinity;
    // A packed parcel whose collection has gone leaves with the next one.
    if (handOverMs < nowMs) handOverMs = expectedHandOverMs(nowMs, sameDay);
    const promisedDay = utcDay(s.promisedAtMs);
    const transitDays = Math.max(0, businessDaysBetween(plannedShipDay, promisedDay));
    const predictedDay = Number.isFinite(handOverMs) ? addBusinessDays(utcDay(handOverMs), transitDays) : Infinity;
    const daysLate = Number.isFinite(predictedDay) ? Math.max(0, businessDaysBetween(promisedDay, predictedDay)) : Infinity;
    return {
      shipmentId: s.shipmentId,
      orderId: s.orderId,
      stage: s.stage,
      promisedDate: isoDay(promisedDay),
      predictedDate: Number.isFinite(predictedDay) ? isoDay(predictedDay) : 'never',
      readyAt: Number.isFinite(readyMs) ? new Date(readyMs).toISOString() : 'never',
      handOverAt: Number.isFinite(handOverMs) ? new Date(handOverMs).toISOString() : 'never',
      daysLate,
    };
  });
}

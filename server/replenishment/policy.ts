/**
 * Replenishment arithmetic for one SKU at one location, from its daily forecast and the forecast's
 * measured error. Periodic review with a reorder point, an (R, s, S) policy: every review, when the
 * stock position (available + inbound) is below s, order up to S.
 *
 *   s = demand over the lead time L            + z · σ(L)
 *   S = demand over the protection interval L+R + z · σ(L+R)
 *
 * σ(n) = √(Σ σₕ² for h = 1…n), σₕ the backtest error's standard deviation h days ahead (errors of
 * different days taken as independent); z the standard normal quantile of the cycle service level.
 * Pure functions: no database, no clock.
 */
import { normalQuantile } from '#analytics/forecast/intervals.ts';

export { normalQuantile };

export interface DailyForecast {
  date: string;
  forecast: number;
}

export interface PolicyInput {
  /** Daily forecasts from the day after the stock was read. */
  points: readonly DailyForecast[];
  /** Standard deviation of the forecast error 1, 2, … days ahead. */
  horizonSd: readonly number[];
  leadTimeDays: number;
  reviewPeriodDays: number;
  /** Cycle service level, 0.5 < p < 1. */
  serviceLevel: number;
}

export interface PolicyLevels {
  demandOverLeadTime: number;
  demandOverProtection: number;
  safetyStock: number;
  reorderPoint: number;
  orderUpTo: number;
}

/** The forecast for day n (0-based); past the horizon, the mean of its last week carries on. */
function forecastAt(points: readonly DailyForecast[], n: number): number {
  if (n < points.length) return Math.max(0, points[n]!.forecast);
  const tail = points.slice(-7);
  return tail.length === 0 ? 0 : Math.max(0, tail.reduce((s, p) => s + p.forecast, 0) / tail.length);
}

/** Σ forecast over the first `days` days. */
export function demandOver(points: readonly DailyForecast[], days: number): number {
  let total = 0;
  for (let n = 0; n < days; n++) total += forecastAt(points, n);
  return total;
}

/** σ of the summed error over the first `days` days; past the measured steps, the last one repeats. */
export function errorSdOver(horizonSd: readonly number[], days: number): number {
  if (horizonSd.length === 0 || days <= 0) return 0;
  let variance = 0;
  for (let h = 0; h < days; h++) {
    const sd = horizonSd[Math.min(h, horizonSd.length - 1)]!;
    if (Number.isFinite(sd) && sd > 0) variance += sd * sd;
  }
  return Math.sqrt(variance);
}

export function policyLevels(input: PolicyInput): PolicyLevels {
  const z = normalQuantile(input.serviceLevel);
  const lead = Math.max(0, Math.round(input.leadTimeDays));
  const protection = lead + Math.max(1, Math.round(input.reviewPeriodDays));
  const demandOverLeadTime = demandOver(input.points, lead);
  const demandOverProtection = demandOver(input.points, protection);
  const safetyLead = Math.max(0, z * errorSdOver(input.horizonSd, lead));
  const safetyProtection = Math.max(0, z * errorSdOver(input.horizonSd, protection));
  return {
    demandOverLeadTime,
    demandOverProtection,
    safetyStock: safetyProtection,
    reorderPoint: demandOverLeadTime + safetyLead,
    orderUpTo: demandOverProtection + safetyProtection,
  };
}

/** An order's quantity: at least the minimum, in whole case packs. */
export function orderQuantity(needed: number, minimumOrderQuantity = 1, casePack = 1): number {
  if (needed <= 0) return 0;
  const pack = Math.max(1, Math.round(casePack));
  const atLeast = Math.max(Math.ceil(needed), Math.max(1, Math.round(minimumOrderQuantity)));
  return Math.ceil(atLeast / pack) * pack;
}

export interface Arrival {
  date: string;
  quantity: number;
}

export interface StockoutOutlook {
  /** The first day forecast demand is not covered; null when stock lasts the horizon. */
  stockoutDate: string | null;
  /** Forecast units not covered by the horizon's end. */
  shortUnits: number;
  /** Days the position covers (capped at the horizon). */
  daysOfCover: number;
}

/**
 * Walks the horizon day by day: stock starts at `available`, arrivals land on their day (an
 * arrival with no date or before the first day counts from the start), demand is the forecast.
 */
export function stockoutOutlook(points: readonly DailyForecast[], available: number, arrivals: readonly Arrival[] = []): StockoutOutlook {
  let stock = Math.max(0, available);
  const first = points[0]?.date;
  for (const a of arrivals) if (first === undefined || a.date <= first) stock += a.quantity;
  let stockoutDate: string | null = null;
  let daysOfCover = points.length;
  for (let n = 0; n < points.length; n++) {
    const day = points[n]!;
    if (n > 0) for (const a of arrivals) if (a.date > first! && a.date <= day.date && a.date > points[n - 1]!.date) stock += a.quantity;
    stock -= Math.max(0, day.forecast);
    if (stock < 0 && stockoutDate === null) {
      stockoutDate = day.date;
      daysOfCover = n;
    }
  }
  return { stockoutDate, shortUnits: Math.max(0, -stock), daysOfCover };
}

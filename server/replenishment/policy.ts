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

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1 is needed, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
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

/**
 * Syntetos–Boylan–Croston demand classes from the average inter-demand interval (ADI) and the
 * squared coefficient of variation of the non-zero sizes (CV²); 'zero' and 'new' come first.
 */
import type { DemandClass } from './forecast.types.ts';

export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;

/** Fewer observations than this and the series is 'new': too short to learn a season from. */
export function newSeriesThreshold(seasonLength: number): number {
  return Math.max(8, 2 * Math.min(seasonLength, 13));
}

export function classifyDemand(observed: readonly number[], seasonLength: number): { classification: DemandClass; nonZeroShare: number } {
  const finite = observed.filter((v) => Number.isFinite(v));
  const nonZero = finite.filter((v) => v !== 0);
  const nonZeroShare = finite.length === 0 ? 0 : nonZero.length / finite.length;
  if (finite.length > 0 && nonZero.length === 0) return { classification: 'zero', nonZeroShare };
  if (finite.length < newSeriesThreshold(seasonLength)) return { classification: 'new', nonZeroShare };
  const adi = finite.length / nonZero.length;
  const sizeMean = nonZero.reduce((a, b) => a + b, 0) / nonZero.length;
  const sizeVariance = nonZero.reduce((a, b) => a + (b - sizeMean) ** 2, 0) / nonZero.length;
  const cv2 = sizeMean === 0 ? 0 : sizeVariance / sizeMean ** 2;
  const sparse = adi >= ADI_CUTOFF;
  const variable = cv2 >= CV2_CUTOFF;
  const classification: DemandClass = sparse ? (variable ? 'lumpy' : 'intermittent') : variable ? 'erratic' : 'smooth';
  return { classification, nonZeroShare };
}

/** The yardsticks: naive, seasonal naive, moving average, mean, zero. */
import type { TrainingWindow } from '../training-window.ts';

export function naive(w: TrainingWindow, h: number): number[] {
  const last = w.y.length === 0 ? 0 : w.y[w.y.length - 1]!;
  return new Array<number>(h).fill(last);
}

/** The value one season back; naive when the window is shorter than a season. */
export function seasonalNaive(w: TrainingWindow, h: number): number[] {
  const n = w.y.length;
  if (w.m < 2 || n < w.m) return naive(w, h);
  return Array.from({ length: h }, (_, k) => w.y[n - w.m + (k % w.m)]!);
}

export function movingAverageWindow(frequency: TrainingWindow['frequency']): number {
  return frequency === 'day' ? 28 : frequency === 'week' ? 13 : 12;
}

export function movingAverage(w: TrainingWindow, h: number): number[] {
  const k = Math.min(w.y.length, movingAverageWindow(w.frequency));
  let s = 0;
  for (let i = w.y.length - k; i < w.y.length; i++) s += w.y[i]!;
  return new Array<number>(h).fill(k === 0 ? 0 : s / k);
}

export function mean(w: TrainingWindow, h: number): number[] {
  const s = w.y.reduce((a, b) => a + b, 0);
  return new Array<number>(h).fill(w.y.length === 0 ? 0 : s / w.y.length);
}

export function zero(_w: TrainingWindow, h: number): number[] {
  return new Array<number>(h).fill(0);
}

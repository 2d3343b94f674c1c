/**
 * Intermittent demand: Croston, its Syntetos–Boylan bias correction (SBA) and Teunter–Syntetos–
 * Babai (TSB, which lets the demand probability decay through long runs of zeros). Smoothing
 * constants come from a small grid, picked by in-sample one-step squared error.
 */
import type { TrainingWindow } from '../training-window.ts';

const ALPHAS = [0.05, 0.1, 0.2, 0.3];
const BETAS = [0.02, 0.05, 0.1, 0.2];

function croston(y: readonly number[], alpha: number, sba: boolean): { sse: number; forecast: number } {
  let size = 0;
  let interval = 0;
  let started = false;
  let since = 1;
  let sse = 0;
  const factor = sba ? 1 - alpha / 2 : 1;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (started) sse += (v - (factor * size) / interval) ** 2;
    if (v > 0) {
      if (!started) [size, interval, started] = [v, t + 1, true];
      else {
        size += alpha * (v - size);
        interval += alpha * (since - interval);
      }
      since = 1;
    } else since++;
  }
  return { sse, forecast: started ? (factor * size) / interval : 0 };
}

function tsb(y: readonly number[], alpha: number, beta: number): { sse: number; forecast: number } {
  let count = 0;
  let total = 0;
  for (const v of y) if (v > 0) [count, total] = [count + 1, total + v];
  if (count === 0) return { sse: 0, forecast: 0 };
  let probability = count / y.length;
  let size = total / count;
  let sse = 0;
  for (const v of y) {
    sse += (v - probability * size) ** 2;
    if (v > 0) {
      probability += beta * (1 - probability);
      size += alpha * (v - size);
    } else probability -= beta * probability;
  }
  return { sse, forecast: probability * size };
}

function best(runs: Array<{ sse: number; forecast: number }>): number {
  let chosen = runs[0]!;
  for (const run of runs) if (run.sse < chosen.sse) chosen = run;
  return Math.max(0, chosen.forecast);
}

export function crostonClassic(w: TrainingWindow, h: number): number[] {
  return new Array<number>(h).fill(best(ALPHAS.map((a) => croston(w.y, a, false))));
}

export function crostonSba(w: TrainingWindow, h: number): number[] {
  return new Array<number>(h).fill(best(ALPHAS.map((a) => croston(w.y, a, true))));
}

export function teunterSyntetosBabai(w: TrainingWindow, h: number): number[] {
  return new Array<number>(h).fill(best(ALPHAS.flatMap((a) => BETAS.map((b) => tsb(w.y, a, b)))));
}

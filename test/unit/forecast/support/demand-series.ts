/**
 * Seeded synthetic daily demand for the forecaster's tests and bench: smooth weekly-seasonal,
 * trending, intermittent, new and all-zero series, with known structure.
 */
import type { Series } from '#analytics/forecast/index.ts';
import { seededRandom } from '#test/unit/support/seeded-random.ts';

export type Random = ReturnType<typeof seededRandom>;

/** A standard normal draw (Box–Muller) from the seeded generator. */
export function normal(random: Random): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

export const WEEKLY_SHAPE = [0.8, 0.9, 1.0, 1.0, 1.1, 1.45, 0.75];

export interface SeasonalDemand {
  days: number;
  level: number;
  /** Units per day added each day. */
  trend?: number;
  /** Sd of the noise as a share of the level. */
  noise: number;
  weekly?: readonly number[];
}

export function seasonalDemand(random: Random, spec: SeasonalDemand): number[] {
  const weekly = spec.weekly ?? WEEKLY_SHAPE;
  return Array.from({ length: spec.days }, (_, t) => {
    const mean = (spec.level + (spec.trend ?? 0) * t) * weekly[t % 7]!;
    return Math.max(0, Math.round(mean + spec.noise * spec.level * normal(random)));
  });
}

/** Demand on a share of days, of a size around `size`. */
export function intermittentDemand(random: Random, days: number, probability: number, size: number): number[] {
  return Array.from({ length: days }, () => (random.next() < probability ? Math.max(1, Math.round(size * (0.5 + random.next()))) : 0));
}

export function dailySeries(id: string, values: readonly number[], start = '2025-01-01'): Series {
  return { id, frequency: 'day', start, values };
}

/** The bench's mix: 55% smooth seasonal, 20% trending, 17% intermittent, 4% new, 4% all zero. */
export function demandMix(count: number, days: number, seed: number): Series[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const id = `SKU-${String(i).padStart(5, '0')}`;
    const kind = random.next();
    if (kind < 0.55) return dailySeries(id, seasonalDemand(random, { days, level: 5 + random.next() * 95, noise: 0.1 + random.next() * 0.3 }));
    if (kind < 0.75) return dailySeries(id, seasonalDemand(random, { days, level: 10 + random.next() * 40, trend: (random.next() - 0.3) * 0.1, noise: 0.15 + random.next() * 0.2 }));
    if (kind < 0.92) return dailySeries(id, intermittentDemand(random, days, 0.05 + random.next() * 0.35, 1 + random.next() * 6));
    if (kind < 0.96) {
      const launched = random.int(1, 30);
      const values = Array.from({ length: days }, (_, t) => (t < days - launched ? Number.NaN : Math.max(0, Math.round(8 + 3 * normal(random)))));
      return dailySeries(id, values);
    }
    return dailySeries(id, new Array<number>(days).fill(0));
  });
}

import { describe, expect, it } from 'vitest';
import { forecastSeries, type Frequency, type Series } from '#analytics/forecast/index.ts';
import { seededRandom } from '#test/unit/support/seeded-random.ts';
import { normal } from './support/demand-series.ts';

const FREQUENCIES: Frequency[] = ['day', 'week', 'month'];
const STARTS: Record<Frequency, string> = { day: '2026-03-30', week: '2025-01-06', month: '2019-01-01' };

/** Histories of every awkward shape: empty, constant, spiky, sparse, with holes, with negatives, huge. */
function awkwardSeries(random: ReturnType<typeof seededRandom>, i: number): { series: Series; horizon: number } {
  const frequency = FREQUENCIES[i % 3]!;
  const length = [0, 1, 2, 5, 13, 30, 60, 120, 400][random.int(0, 8)]!;
  const shape = random.int(0, 7);
  const level = [0.01, 1, 50, 1e6][random.int(0, 3)]!;
  const values = Array.from({ length }, (_, t) => {
    switch (shape) {
      case 0: return level;
      case 1: return random.next() < 0.05 ? level * 100 : level;
      case 2: return random.next() < 0.1 ? Math.round(level * random.next() * 3) : 0;
      case 3: return random.next() < 0.2 ? Number.NaN : level * (1 + 0.3 * normal(random));
      case 4: return level * normal(random);
      case 5: return t < length / 2 ? 0 : level * (1 + 0.2 * Math.sin(t));
      case 6: return Math.max(0, level * (1 + 0.01 * t) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 7)) + normal(random));
      default: return t % 3 === 0 ? Number.NaN : 0;
    }
  });
  const horizon = random.int(0, 40);
  const regressors = random.next() < 0.3 ? { promo: Array.from({ length: length + (random.next() < 0.5 ? horizon : 0) }, () => (random.next() < 0.2 ? 1 : 0)) } : undefined;
  return { series: { id: `p${i}`, frequency, start: STARTS[frequency], values, ...(regressors ? { regressors } : {}) }, horizon };
}

describe('forecastSeries on awkward histories (seeded property test)', { timeout: 30_000 }, () => {
  it('never crashes, never returns NaN or Infinity, keeps lo80 ≤ forecast ≤ hi80, and stays ≥ 0 on non-negative data', () => {
    const random = seededRandom(2026);
    for (let i = 0; i < 150; i++) {
      const { series, horizon } = awkwardSeries(random, i);
      const result = forecastSeries(series, { horizon });
      const context = `${series.id} (${series.frequency}, ${series.values.length} values, horizon ${horizon})`;
      expect(result.points, context).toHaveLength(horizon);
      expect(result.horizonSd.every((sd) => Number.isFinite(sd) && sd >= 0), context).toBe(true);
      const nonNegative = series.values.every((v) => !(v < 0));
      for (const p of result.points) {
        expect([p.forecast, p.lo80, p.hi80].every(Number.isFinite), context).toBe(true);
        expect(p.lo80 <= p.forecast && p.forecast <= p.hi80, context).toBe(true);
        if (nonNegative) expect(p.lo80, context).toBeGreaterThanOrEqual(0);
      }
      for (const metric of Object.values(result.metrics)) expect(metric === null || Number.isFinite(metric), context).toBe(true);
    }
  });
});

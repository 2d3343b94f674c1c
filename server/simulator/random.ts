/**
 * A seeded pseudo-random generator. mulberry32 uses only 32-bit integer operations (Math.imul,
 * shifts), so a seed gives the same stream on every platform; the distributions below use only
 * arithmetic, Math.sqrt (correctly rounded by IEEE 754) and Math.log/Math.exp (V8's own fdlibm port,
 * not the C library), so they repeat bit for bit too.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One item, each as likely as its weight; weights need not sum to 1. */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T;
  normal(mean?: number, sd?: number): number;
  poisson(lambda: number): number;
  /** exp(normal(mu, sigma)): the median is exp(mu). */
  lognormal(mu: number, sigma: number): number;
}

/** FNV-1a over the parts, then a murmur3 finalizer: nearby labels ("2026-03-01", "2026-03-02") give unrelated seeds. */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An independent stream per purpose (business, a day's demand, one customer), so adding draws to one never shifts another. */
export function createRandom(...seedParts: readonly (string | number)[]): Random {
  let state = deriveSeed(...seedParts);
  let spareNormal: number | null = null;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };

  // Marsaglia's polar method: no trigonometry, two normals per accepted pair.
  const standardNormal = (): number => {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return z;
    }
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        spareNormal = v * f;
        return u * f;
      }
    }
  };

  const random: Random = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    pickWeighted: (items, weights) => {
      if (items.length === 0 || items.length !== weights.length) throw new Error('pickWeighted needs one weight per item');
      let total = 0;
      for (const w of weights) total += w;
      let x = next() * total;
      for (let i = 0; i < items.length; i++) {
        x -= weights[i]!;
        if (x < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      // Knuth's product of uniforms is exact but linear in lambda; past 30 the normal
      // approximation is within a fraction of a percent, plenty for daily order counts.
      if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * standardNormal()));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    lognormal: (mu, sigma) => Math.exp(mu + sigma * standardNormal()),
  };
  return random;
}

/** Sampling many times from one fixed set of weights: cumulative sums and a binary search. */
export interface WeightedTable<T> {
  readonly items: readonly T[];
  sample(random: Random): T;
}

export function weightedTable<T>(items: readonly T[], weightOf: (item: T) => number): WeightedTable<T> {
  if (items.length === 0) throw new Error('a weighted table needs at least one item');
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) {
    const w = weightOf(item);
    if (!(w >= 0)) throw new Error('weights must be non-negative numbers');
    total += w;
    cumulative.push(total);
  }
  if (total <= 0) throw new Error('weights must not all be zero');
  return {
    items,
    sample(random) {
      const x = random.next() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid]! > x) hi = mid;
        else lo = mid + 1;
      }
      return items[lo]!;
    },
  };
}

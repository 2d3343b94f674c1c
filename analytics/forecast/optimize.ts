/**
 * Nelder–Mead minimisation over parameters boxed in [lo, hi] through a logistic map, so the
 * simplex moves freely in R^d. Deterministic; a non-finite objective counts as +Infinity.
 */
export interface Bounds {
  lo: number;
  hi: number;
}

const toBox = (z: number, b: Bounds) => b.lo + (b.hi - b.lo) / (1 + Math.exp(-z));
const fromBox = (x: number, b: Bounds) => {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, (x - b.lo) / (b.hi - b.lo)));
  return Math.log(p / (1 - p));
};

export function minimize(objective: (x: number[]) => number, start: readonly number[], bounds: readonly Bounds[], maxEvaluations = 250, tolerance = 1e-7): { x: number[]; value: number } {
  const d = start.length;
  const evaluate = (z: readonly number[]) => {
    const v = objective(z.map((zi, i) => toBox(zi, bounds[i]!)));
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const z0 = start.map((x, i) => fromBox(x, bounds[i]!));
  const simplex: number[][] = [z0];
  for (let i = 0; i < d; i++) {
    const p = z0.slice();
    p[i] = p[i]! + 1;
    simplex.push(p);
  }
  const values = simplex.map(evaluate);
  let evaluations = d + 1;
  const order = simplex.map((_, i) => i);
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[d]!;
    const second = order[d - 1]!;
    const spread = Math.abs(values[worst]! - values[best]!);
    if (spread <= tolerance * (Math.abs(values[best]!) + 1e-12)) break;
    const centroid = new Array<number>(d).fill(0);
    for (const i of order.slice(0, d)) for (let k = 0; k < d; k++) centroid[k]! += simplex[i]![k]! / d;
    const along = (t: number) => centroid.map((c, k) => c + t * (simplex[worst]![k]! - c));
    const reflected = along(-1);
    const fr = evaluate(reflected);
    evaluations++;
    if (fr < values[best]!) {
      const expanded = along(-2);
      const fe = evaluate(expanded);
      evaluations++;
      if (fe < fr) [simplex[worst], values[worst]] = [expanded, fe];
      else [simplex[worst], values[worst]] = [reflected, fr];
    } else if (fr < values[second]!) {
      [simplex[worst], values[worst]] = [reflected, fr];
    } else {
      const contracted = fr < values[worst]! ? along(-0.5) : along(0.5);
      const fc = evaluate(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[worst]!)) [simplex[worst], values[worst]] = [contracted, fc];
      else {
        for (const i of order.slice(1)) {
          simplex[i] = simplex[i]!.map((z, k) => simplex[best]![k]! + 0.5 * (z - simplex[best]![k]!));
          values[i] = evaluate(simplex[i]!);
          evaluations++;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (values[i]! < values[best]!) best = i;
  return { x: simplex[best]!.map((z, i) => toBox(z, bounds[i]!)), value: values[best]! };
}

/** Golden-section search of a one-parameter objective on [lo, hi]. */
export function minimizeScalar(objective: (x: number) => number, lo: number, hi: number, iterations = 40): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = objective(c);
  let fd = objective(d);
  for (let i = 0; i < iterations && b - a > 1e-5; i++) {
    if (fc <= fd || !Number.isFinite(fd)) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = objective(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = objective(d);
    }
  }
  return fc <= fd ? c : d;
}

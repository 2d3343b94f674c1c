import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, weightedTable } from '#server/simulator/random.ts';

const draw = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('createRandom: a seeded stream', () => {
  it('gives the same numbers for the same seed, and these exact numbers on every platform', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    expect(draw(5, a.next)).toEqual(draw(5, b.next));
    // Pinned: a change here silently changes every simulated history.
    expect(draw(3, createRandom(42).next).map((x) => x.toFixed(12))).toMatchInlineSnapshot(`
      [
        "0.113562977873",
        "0.192397208884",
        "0.551456722198",
      ]
    `);
  });

  it('gives unrelated streams for different seeds and for neighbouring labels', () => {
    expect(draw(5, createRandom(42).next)).not.toEqual(draw(5, createRandom(43).next));
    expect(deriveSeed(1, '2026-03-01')).not.toBe(deriveSeed(1, '2026-03-02'));
    expect(deriveSeed('a', 'bc')).not.toBe(deriveSeed('ab', 'c'));
  });

  it('keeps int within its inclusive bounds and reaches both', () => {
    const r = createRandom('int');
    const xs = draw(5_000, () => r.int(3, 7));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
  });

  it('draws normals, Poisson counts and lognormals with the asked-for centre', () => {
    const r = createRandom('distributions');
    const normals = draw(20_000, () => r.normal(10, 2));
    expect(mean(normals)).toBeCloseTo(10, 1);
    expect(Math.sqrt(mean(normals.map((x) => (x - 10) ** 2)))).toBeCloseTo(2, 1);
    expect(mean(draw(20_000, () => r.poisson(3.5)))).toBeCloseTo(3.5, 1);
    expect(mean(draw(5_000, () => r.poisson(400))) / 400).toBeCloseTo(1, 2);
    expect(r.poisson(0)).toBe(0);
    const logs = draw(20_001, () => r.lognormal(Math.log(7), 0.6)).sort((a, b) => a - b);
    expect(logs[10_000]! / 7).toBeCloseTo(1, 1);
  });

  it('picks by weight, both one-off and from a precomputed table', () => {
    const r = createRandom('weights');
    const picks = draw(30_000, () => r.pickWeighted(['a', 'b', 'c'], [1, 2, 7]));
    expect(picks.filter((x) => x === 'c').length / picks.length).toBeCloseTo(0.7, 1);
    const weights: Record<string, number> = { a: 0, b: 1, c: 3 };
    const table = weightedTable(['a', 'b', 'c'], (x) => weights[x]!);
    const fromTable = draw(30_000, () => table.sample(r));
    expect(fromTable).not.toContain('a');
    expect(fromTable.filter((x) => x === 'c').length / fromTable.length).toBeCloseTo(0.75, 1);
  });

  it('refuses tables it cannot sample from', () => {
    expect(() => weightedTable([], () => 1)).toThrow();
    expect(() => weightedTable(['a'], () => 0)).toThrow();
    expect(() => weightedTable(['a'], () => Number.NaN)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { code128Symbol } from '#server/labels/code128-bars.ts';

/** Widths of bars and spaces in turn, as Code 128 tables list them. */
function runs(text: string): number[] {
  const { bars } = code128Symbol(text);
  return bars.flatMap((bar, i) => {
    const next = bars[i + 1];
    return next ? [bar.width, next.start - bar.start - bar.width] : [bar.width];
  });
}

describe('code128Symbol', () => {
  it('opens with a start code, closes with the stop pattern, and is 11 modules a symbol character plus 13 for the stop', () => {
    const digits = runs('794644790138');
    expect(digits.slice(0, 6)).toEqual([2, 1, 1, 2, 3, 2]); // start C: digits go two to a symbol
    expect(digits.slice(-7)).toEqual([2, 3, 3, 1, 1, 1, 2]); // stop
    // start + 6 digit pairs + check character
    expect(code128Symbol('794644790138').modules).toBe(11 * 8 + 13);

    const letters = runs('ABC');
    expect(letters.slice(0, 6)).toEqual([2, 1, 1, 2, 1, 4]); // start B
    expect(code128Symbol('ABC').modules).toBe(11 * 5 + 13);
  });

  it('lays bars left to right without overlap, each symbol character holding three bars', () => {
    const { bars, modules } = code128Symbol('1Z999AA10123456784');
    expect(bars[0]!.start).toBe(0);
    bars.slice(1).forEach((bar, i) => expect(bar.start).toBeGreaterThan(bars[i]!.start + bars[i]!.width));
    expect(bars.at(-1)!.start + bars.at(-1)!.width).toBe(modules);
    expect(bars).toHaveLength(3 * ((modules - 13) / 11) + 4);
  });

  it('gives different numbers different bars', () => {
    expect(code128Symbol('794644790138').bars).not.toEqual(code128Symbol('794644790139').bars);
  });
});

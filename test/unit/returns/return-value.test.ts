import { describe, expect, it } from 'vitest';
import { unitsValueCents } from '#server/returns/return-value.ts';

describe('the value of returned units', () => {
  const line = { netCents: 6372, quantity: 3 };

  it('prorates the line by units, rounding down', () => {
    expect(unitsValueCents(line, 0, 1)).toBe(2124);
    expect(unitsValueCents(line, 0, 2)).toBe(4248);
    expect(unitsValueCents({ netCents: 1000, quantity: 3 }, 0, 1)).toBe(333);
  });

  it('returned in parts, adds up to exactly what the line cost, never more', () => {
    const odd = { netCents: 1000, quantity: 3 };
    const parts = [unitsValueCents(odd, 0, 1), unitsValueCents(odd, 1, 1), unitsValueCents(odd, 2, 1)];
    expect(parts).toEqual([333, 333, 334]);
    expect(parts.reduce((a, b) => a + b)).toBe(1000);
    expect(unitsValueCents(line, 0, 3)).toBe(6372);
  });
});

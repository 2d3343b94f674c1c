import { describe, expect, it } from 'vitest';
import { parseRate } from '#server/simulator/driver/rate.ts';

describe('parseRate', () => {
  it.each([
    ['30/min', 30],
    ['30', 30],
    ['2/s', 120],
    ['0.5/sec', 30],
    ['600/h', 10],
    ['1440/day', 1],
    [' 12 / minute ', 12],
  ])('reads %j as %d orders a minute', (text, perMinute) => {
    expect(parseRate(text)).toBeCloseTo(perMinute, 10);
  });

  it.each(['', 'fast', '30/week', '-3/min', '0/min', '3/min/s'])('refuses %j with a message showing how to write one', (text) => {
    expect(() => parseRate(text)).toThrow(/rate/);
  });
});

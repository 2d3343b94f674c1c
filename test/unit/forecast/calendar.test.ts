import { describe, expect, it } from 'vitest';
import { addPeriods, inferFrequency, periodsBetween } from '#analytics/forecast/index.ts';

const days = (start: string, count: number, step: number) => Array.from({ length: count }, (_, i) => addPeriods(start, 'day', i * step));

describe('inferFrequency', () => {
  it('tells daily, weekly and monthly dates apart, also with gaps', () => {
    expect(inferFrequency(days('2026-01-01', 30, 1))).toBe('day');
    expect(inferFrequency(days('2026-01-01', 30, 1).filter((_, i) => i % 3 !== 0))).toBe('day');
    expect(inferFrequency(days('2026-01-05', 20, 7))).toBe('week');
    expect(inferFrequency(['2026-01-01', '2026-02-01', '2026-03-01', '2026-05-01'])).toBe('month');
    expect(inferFrequency(['1982-04', '1982-05', '1982-06'])).toBe('month');
  });

  it('takes one date as daily (or monthly when written YYYY-MM), and ignores order and repeats', () => {
    expect(inferFrequency(['2026-03-01'])).toBe('day');
    expect(inferFrequency(['2026-03'])).toBe('month');
    expect(inferFrequency(['2026-03-03', '2026-03-01', '2026-03-02', '2026-03-02'])).toBe('day');
  });
});

describe('period arithmetic', () => {
  it('adds days, weeks and months across month and year ends', () => {
    expect(addPeriods('2026-12-30', 'day', 3)).toBe('2027-01-02');
    expect(addPeriods('2024-02-26', 'week', 1)).toBe('2024-03-04');
    expect(addPeriods('2026-11-01', 'month', 3)).toBe('2027-02-01');
  });

  it('counts periods between dates', () => {
    expect(periodsBetween('2026-01-01', '2026-03-01', 'day')).toBe(59);
    expect(periodsBetween('2026-01-05', '2026-01-25', 'week')).toBe(2);
    expect(periodsBetween('1982-04-01', '2018-12-01', 'month')).toBe(440);
  });
});

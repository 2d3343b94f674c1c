import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, daysBetween, daysInRange, monthOf, thanksgiving } from '#server/simulator/calendar.ts';

describe('calendar: UTC days as strings', () => {
  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect([...daysInRange('2026-02-27', '2026-03-02')]).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('knows weekdays, months and Thanksgiving', () => {
    expect(dayOfWeek('2026-11-29')).toBe(0);
    expect(monthOf('2026-12-05')).toBe(11);
    expect(thanksgiving(2026)).toBe('2026-11-26');
    expect(thanksgiving(2025)).toBe('2025-11-27');
  });

  it('refuses what is not a day', () => {
    expect(() => addDays('2026-13-01', 1)).toThrow();
    expect(() => addDays('yesterday', 1)).toThrow();
  });
});

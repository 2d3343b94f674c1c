import { describe, expect, it } from 'vitest';
import { businessDaysBetween, expectedHandOverMs, handOverThresholds } from '#server/alerts/rules/hand-over.ts';
import { utcDay } from '#server/sourcing/promise-dates.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('expectedHandOverMs', () => {
  const rules = handOverThresholds.parse({});

  it('defaults to the sourcing policy: warehouses at 21:00 the same day, stores at 19:00 a business day later, vendors at 16:00 two later', () => {
    expect(rules).toEqual({
      warehouse: { cutoffHourUtc: 21, handlingDays: 0 },
      '3pl': { cutoffHourUtc: 20, handlingDays: 0 },
      store: { cutoffHourUtc: 19, handlingDays: 1 },
      dropship: { cutoffHourUtc: 16, handlingDays: 2 },
    });
    // Monday 2026-03-02.
    expect(iso(expectedHandOverMs(at('2026-03-02T10:00:00Z'), rules.warehouse))).toBe('2026-03-02T21:00:00.000Z');
    expect(iso(expectedHandOverMs(at('2026-03-02T10:00:00Z'), rules.store))).toBe('2026-03-03T19:00:00.000Z');
    expect(iso(expectedHandOverMs(at('2026-03-02T10:00:00Z'), rules.dropship))).toBe('2026-03-04T16:00:00.000Z');
  });

  it('work ready after the cutoff, or on a weekend, makes the next business day’s collection', () => {
    expect(iso(expectedHandOverMs(at('2026-03-02T21:30:00Z'), rules.warehouse))).toBe('2026-03-03T21:00:00.000Z');
    // Friday evening and Saturday: Monday.
    expect(iso(expectedHandOverMs(at('2026-03-06T22:00:00Z'), rules.warehouse))).toBe('2026-03-09T21:00:00.000Z');
    expect(iso(expectedHandOverMs(at('2026-03-07T09:00:00Z'), rules.store))).toBe('2026-03-10T19:00:00.000Z');
  });
});

describe('businessDaysBetween', () => {
  it('counts Monday to Friday only, signed', () => {
    const monday = utcDay(at('2026-03-02T00:00:00Z'));
    expect(businessDaysBetween(monday, monday)).toBe(0);
    expect(businessDaysBetween(monday, monday + 4)).toBe(4);
    expect(businessDaysBetween(monday, monday + 7)).toBe(5);
    expect(businessDaysBetween(monday + 7, monday)).toBe(-5);
  });
});

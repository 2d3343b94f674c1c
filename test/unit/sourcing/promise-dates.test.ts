import { describe, expect, it } from 'vitest';
import { addBusinessDays, deliveryDay, isoDay, pickupReadyDay, shipDay, utcDay } from '#server/sourcing/promise-dates.ts';

const day = (iso: string) => utcDay(Date.parse(`${iso}T00:00:00Z`));
const at = (iso: string) => Date.parse(iso);
const warehouse = { cutoffHourUtc: 18, handlingDays: 0 };

describe('shipDay', () => {
  it('is the placement day before the cutoff, the next business day from the cutoff on', () => {
    expect(isoDay(shipDay(at('2026-11-24T17:59:59Z'), warehouse))).toBe('2026-11-24');
    expect(isoDay(shipDay(at('2026-11-24T18:00:00Z'), warehouse))).toBe('2026-11-25');
  });

  it('moves weekend orders to Monday, and Friday evening orders too', () => {
    expect(isoDay(shipDay(at('2026-11-28T09:00:00Z'), warehouse))).toBe('2026-11-30'); // Saturday
    expect(isoDay(shipDay(at('2026-11-29T09:00:00Z'), warehouse))).toBe('2026-11-30'); // Sunday
    expect(isoDay(shipDay(at('2026-11-27T20:00:00Z'), warehouse))).toBe('2026-11-30'); // Friday evening
  });

  it('adds the location’s handling days in business days', () => {
    expect(isoDay(shipDay(at('2026-11-27T09:00:00Z'), { cutoffHourUtc: 12, handlingDays: 2 }))).toBe('2026-12-01');
  });
});

describe('deliveryDay', () => {
  it('counts transit in business days; zero days is the ship day', () => {
    expect(isoDay(deliveryDay(day('2026-11-27'), 1))).toBe('2026-11-30');
    expect(isoDay(deliveryDay(day('2026-11-24'), 0))).toBe('2026-11-24');
    expect(isoDay(addBusinessDays(day('2026-11-24'), 5))).toBe('2026-12-01');
  });
});

describe('pickupReadyDay', () => {
  const pickup = { readyHours: 2, cutoffHourUtc: 20 };

  it('is the same day when ready before the cutoff, weekends included; the next day otherwise', () => {
    expect(isoDay(pickupReadyDay(at('2026-11-28T10:00:00Z'), pickup))).toBe('2026-11-28');
    expect(isoDay(pickupReadyDay(at('2026-11-28T17:59:00Z'), pickup))).toBe('2026-11-28');
    expect(isoDay(pickupReadyDay(at('2026-11-28T18:00:00Z'), pickup))).toBe('2026-11-29');
    expect(isoDay(pickupReadyDay(at('2026-11-28T23:30:00Z'), pickup))).toBe('2026-11-29'); // ready 01:30 Sunday
  });
});

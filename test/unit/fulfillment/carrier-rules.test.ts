import { describe, expect, it } from 'vitest';
import { chooseCarrier, labelCostCents, luhnDigit, newTrackingNumber, type ShipmentRoute } from '#server/fulfillment/carrier-rules.ts';

const dallas = { kind: 'warehouse' as const, lat: 32.78, lon: -96.8 };
const austin = { lat: 30.27, lon: -97.74 };
const seattle = { lat: 47.61, lon: -122.33 };
// A Monday, 10:00 UTC: before the warehouse's 21:00 cutoff, so it ships the same day.
const monday = new Date('2026-03-16T10:00:00Z');
const route = (overrides: Partial<ShipmentRoute> = {}): ShipmentRoute => ({ method: 'ship', service: 'standard', placedAt: monday, location: dallas, destination: austin, ...overrides });

describe('choosing a carrier and a promise with sourcing’s default rate tables', () => {
  it('nearby standard goes with the cheaper regional carrier, delivered the next business day by its end', () => {
    expect(chooseCarrier(route(), 1_000, 0)).toEqual({ carrier: 'regional-parcel', promisedAt: new Date('2026-03-17T23:59:59.999Z') });
  });

  // Dallas → Seattle (~2,700 km) is zone 7: five business days, Monday to Monday.
  it('beyond the regional reach, or without coordinates, the national carrier and its transit days', () => {
    expect(chooseCarrier(route({ destination: seattle }), 1_000, 0)).toEqual({ carrier: 'national-parcel', promisedAt: new Date('2026-03-23T23:59:59.999Z') });
    expect(chooseCarrier(route({ destination: null }), 1_000, 0).carrier).toBe('national-parcel');
  });

  it('a pickup has no carrier and is promised the day the store has it ready', () => {
    expect(chooseCarrier(route({ method: 'pickup' }), 1_000, 0)).toEqual({ carrier: null, promisedAt: new Date('2026-03-16T23:59:59.999Z') });
  });

  it('prices a label by band, billable kilograms and fuel; a pickup bag costs nothing', () => {
    expect(labelCostCents('regional-parcel', route(), 770, 0)).toBe(Math.round((740 + 100) * 1.12));
    expect(labelCostCents('national-parcel', route({ destination: seattle }), 2_500, 0)).toBe(Math.round((1130 + 275 * 3) * 1.17));
    expect(labelCostCents(null, route(), 770, 0)).toBe(0);
  });
});

describe('tracking numbers', () => {
  it('carry the carrier prefix, 15 digits and a Luhn check digit', () => {
    const number = newTrackingNumber('national-parcel');
    expect(number).toMatch(/^NA\d{16}$/);
    expect(luhnDigit(number.slice(2, 17))).toBe(Number(number.at(-1)));
    expect(newTrackingNumber(null)).toMatch(/^PU\d{16}$/);
  });
});

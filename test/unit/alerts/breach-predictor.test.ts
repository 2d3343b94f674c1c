import { describe, expect, it } from 'vitest';
import { predictBreaches, type OpenShipment } from '#server/alerts/rules/breach-predictor.ts';

const at = (iso: string) => Date.parse(iso);
const warehouse = { cutoffHourUtc: 21, handlingDays: 0 };
const store = { cutoffHourUtc: 19, handlingDays: 1 };
const times = { pickPackMinutes: 45, packMinutes: 15 };
// Monday 2026-03-02 10:00 UTC.
const now = at('2026-03-02T10:00:00Z');

/** Placed Monday 09:00 and released at 09:30, promised Wednesday (two days of transit from a Monday hand-over). */
function parcel(id: string, overrides: Partial<OpenShipment> = {}): OpenShipment {
  return {
    shipmentId: id,
    orderId: `order-${id}`,
    stage: 'claim',
    releasedAtMs: at('2026-03-02T09:30:00Z'),
    packedAtMs: null,
    placedAtMs: at('2026-03-02T09:00:00Z'),
    promisedAtMs: at('2026-03-04T23:59:59.999Z'),
    ...overrides,
  };
}

describe('predictBreaches', () => {
  it('a short queue at the measured pace makes today’s collection: on time', () => {
    const [p] = predictBreaches([parcel('a')], { claimsPerHour: 10, capacityPerHour: 80 }, times, warehouse, now);
    expect(p).toMatchObject({ promisedDate: '2026-03-04', predictedDate: '2026-03-04', handOverAt: '2026-03-02T21:00:00.000Z', daysLate: 0 });
    // Queue position 1 at 10 an hour (6 min), then 45 min to a packed parcel.
    expect(p!.readyAt).toBe('2026-03-02T10:51:00.000Z');
  });

  it('queue position ÷ throughput: the 120th waiting at 10 an hour is ready after the cutoff and arrives a business day late', () => {
    const queue = Array.from({ length: 120 }, (_, i) => parcel(`q${String(i).padStart(3, '0')}`, { releasedAtMs: at('2026-03-02T08:00:00Z') + i * 1_000 }));
    const predictions = predictBreaches(queue, { claimsPerHour: 10, capacityPerHour: 80 }, times, warehouse, now);
    const last = predictions.find((p) => p.shipmentId === 'q119')!;
    expect(last).toMatchObject({ readyAt: '2026-03-02T22:45:00.000Z', handOverAt: '2026-03-03T21:00:00.000Z', predictedDate: '2026-03-05', daysLate: 1 });
    // Those within 10.25 h of claims make it: positions up to 102.
    expect(predictions.filter((p) => p.daysLate > 0)).toHaveLength(18);
    // At the capacity's pace (no claims measured), all make it.
    expect(predictBreaches(queue, { claimsPerHour: null, capacityPerHour: 80 }, times, warehouse, now).filter((p) => p.daysLate > 0)).toEqual([]);
  });

  it('a packed parcel keeps its collection; once that collection has gone, it takes the next one', () => {
    const packed = parcel('p', { stage: 'hand_over', packedAtMs: at('2026-03-02T11:00:00Z') });
    expect(predictBreaches([packed], { claimsPerHour: 10, capacityPerHour: 80 }, times, warehouse, now)[0]!.daysLate).toBe(0);
    const missed = predictBreaches([packed], { claimsPerHour: 10, capacityPerHour: 80 }, times, warehouse, at('2026-03-03T02:00:00Z'))[0]!;
    expect(missed).toMatchObject({ handOverAt: '2026-03-03T21:00:00.000Z', predictedDate: '2026-03-05', daysLate: 1 });
  });

  it('a store’s handling day runs from placement, alongside the floor: packed by Tuesday’s collection is on time, after it a day late', () => {
    // Placed Monday 09:00 at a store: ship day Tuesday, promised Thursday with two days of transit.
    const s = parcel('s', { stage: 'pick', promisedAtMs: at('2026-03-05T23:59:59.999Z') });
    expect(predictBreaches([s], { claimsPerHour: 2, capacityPerHour: 8 }, times, store, now)[0]).toMatchObject({ handOverAt: '2026-03-03T19:00:00.000Z', daysLate: 0 });
    expect(predictBreaches([s], { claimsPerHour: 2, capacityPerHour: 8 }, times, store, at('2026-03-02T19:30:00Z'))[0]).toMatchObject({ handOverAt: '2026-03-03T19:00:00.000Z', daysLate: 0 });
    expect(predictBreaches([s], { claimsPerHour: 2, capacityPerHour: 8 }, times, store, at('2026-03-03T18:45:00Z'))[0]).toMatchObject({ handOverAt: '2026-03-04T19:00:00.000Z', daysLate: 1 });
  });

  it('with a measured claim wait, a waiting parcel is claimed that long after its release (never before now): a floor 8 h behind misses the collection with what it released after 12:30', () => {
    const slow = { claimWaitHours: 8, claimsPerHour: 1, capacityPerHour: 80 };
    const noon = parcel('noon', { releasedAtMs: at('2026-03-02T12:00:00Z'), placedAtMs: at('2026-03-02T11:50:00Z') });
    const afternoon = parcel('pm', { releasedAtMs: at('2026-03-02T13:00:00Z'), placedAtMs: at('2026-03-02T12:50:00Z') });
    const [a, b] = predictBreaches([noon, afternoon], slow, times, warehouse, at('2026-03-02T14:00:00Z'));
    expect(a).toMatchObject({ readyAt: '2026-03-02T20:45:00.000Z', handOverAt: '2026-03-02T21:00:00.000Z', daysLate: 0 });
    expect(b).toMatchObject({ readyAt: '2026-03-02T21:45:00.000Z', handOverAt: '2026-03-03T21:00:00.000Z', predictedDate: '2026-03-05', daysLate: 1 });
    // Its usual hour makes both; and a wait already over is counted from now.
    expect(predictBreaches([noon, afternoon], { ...slow, claimWaitHours: 1 }, times, warehouse, at('2026-03-02T14:00:00Z')).map((p) => p.daysLate)).toEqual([0, 0]);
    expect(predictBreaches([noon], { ...slow, claimWaitHours: 1 }, times, warehouse, at('2026-03-02T20:30:00Z'))[0]).toMatchObject({ readyAt: '2026-03-02T21:15:00.000Z', daysLate: 1 });
  });

  it('a case order takes its units at the floor\'s pick pace: 150 units at 6 minutes miss the day, 3 units do not; a pick under way counts from its claim', () => {
    const rates = { claimWaitHours: 1, claimsPerHour: 5, capacityPerHour: 80, pickMinutesPerUnit: 6 };
    const big = parcel('big', { units: 150 });
    const small = parcel('small', { units: 3 });
    const [b, s] = predictBreaches([big, small], rates, times, warehouse, now);
    // Claimed 10:30, then 150 × 6 min + 15 min of packing.
    expect(b).toMatchObject({ readyAt: '2026-03-03T01:45:00.000Z', daysLate: 1 });
    expect(s).toMatchObject({ readyAt: '2026-03-02T11:15:00.000Z', daysLate: 0 });
    // Claimed at 06:00 and 40 units to pick: ready at 10:15, but never before a pack from now.
    const picking = parcel('picking', { stage: 'pick', claimedAtMs: at('2026-03-02T06:00:00Z'), units: 40 });
    expect(predictBreaches([picking], rates, times, warehouse, now)[0]!.readyAt).toBe('2026-03-02T10:15:00.000Z');
    expect(predictBreaches([picking], rates, times, warehouse, at('2026-03-02T12:00:00Z'))[0]!.readyAt).toBe('2026-03-02T12:15:00.000Z');
    // Without a measured pace, the stage times' figure stands in.
    expect(predictBreaches([big], { ...rates, pickMinutesPerUnit: null }, { ...times, pickMinutesPerUnit: 2 }, warehouse, now)[0]!.readyAt).toBe('2026-03-02T15:45:00.000Z');
  });

  it('a floor that claims nothing and has no capacity never ships', () => {
    expect(predictBreaches([parcel('x')], { claimsPerHour: null, capacityPerHour: 0 }, times, warehouse, now)[0]).toMatchObject({ predictedDate: 'never', daysLate: Infinity });
  });
});

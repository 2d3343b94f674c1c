import { describe, expect, it } from 'vitest';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { floorTiming, planFloorWork } from '#server/simulator/floor-work.ts';
import { createRandom } from '#server/simulator/random.ts';

describe('planFloorWork: a shipment through pick, pack and collection', () => {
  it('collects at the cutoffs of the default sourcing policy', () => {
    for (const [kind, timing] of Object.entries(floorTiming)) {
      expect(timing.collectionHourUtc).toBe(defaultSourcingPolicy.handling[kind as keyof typeof floorTiming].cutoffHourUtc);
    }
  });

  it('claims, picks, packs and ships in that order, the same for the same stream', () => {
    const released = Date.parse('2026-03-03T14:00:00Z');
    const plan = planFloorWork('warehouse', released, [2, 1], createRandom('floor', 1));
    expect(plan).toEqual(planFloorWork('warehouse', released, [2, 1], createRandom('floor', 1)));
    expect(released < plan.claimedAtMs && plan.claimedAtMs < plan.pickedAtMs && plan.pickedAtMs < plan.packedAtMs && plan.packedAtMs < plan.shippedAtMs).toBe(true);
  });

  it('ships a morning warehouse release the same evening, a store’s a day later, a vendor’s after two', () => {
    const released = Date.parse('2026-03-03T13:00:00Z');
    const shippedDay = (kind: 'warehouse' | 'store' | 'dropship') => {
      const r = createRandom('collection', kind);
      const days = Array.from({ length: 500 }, () => new Date(planFloorWork(kind, released, [1], r).shippedAtMs).toISOString().slice(0, 10));
      return days.toSorted()[250];
    };
    expect(shippedDay('warehouse')).toBe('2026-03-03');
    expect(shippedDay('store')).toBe('2026-03-04');
    expect(shippedDay('dropship')).toBe('2026-03-06');
  });

  it('picks by slot visited: four cases of 24 take under an hour, four lines more than one', () => {
    const medianPickMinutes = (lines: number[]) => {
      const r = createRandom('pick-time', ...lines);
      const minutes = Array.from({ length: 2_000 }, () => {
        const plan = planFloorWork('warehouse', 0, lines, r);
        return (plan.pickedAtMs - plan.claimedAtMs) / 60_000;
      });
      return minutes.toSorted((a, b) => a - b)[1_000]!;
    };
    const oneUnit = medianPickMinutes([1]);
    const cases = medianPickMinutes([24, 24, 24, 24]);
    expect(oneUnit).toBeGreaterThan(4);
    expect(oneUnit).toBeLessThan(8);
    // 96 units: four walks to a slot and 92 units taken there, not 96 walks (ten hours).
    expect(cases).toBeGreaterThan(3 * oneUnit);
    expect(cases).toBeLessThan(60);
    expect(medianPickMinutes([1, 1, 1, 1])).toBeGreaterThan(3 * oneUnit);
  });

  it('short-picks a line rarely in warehouses and more often in stores, whatever its quantity', () => {
    const rate = (kind: 'warehouse' | 'store', quantity: number) => {
      const r = createRandom('short', kind, quantity);
      return Array.from({ length: 20_000 }, () => planFloorWork(kind, 0, [quantity], r).shortByLine[0]! > 0).filter(Boolean).length / 20_000;
    };
    expect(rate('warehouse', 1)).toBeLessThan(0.006);
    // A case of 48 is one visit to one slot, not 48 chances to miss a unit.
    expect(rate('warehouse', 48)).toBeLessThan(0.006);
    expect(rate('store', 1)).toBeGreaterThan(0.012);
  });

  it('a short line misses some of its units or all of them, and the plan says which line', () => {
    const r = createRandom('short', 'lines');
    const plans = Array.from({ length: 20_000 }, () => planFloorWork('store', 0, [6, 1, 24], r));
    const short = plans.filter((p) => p.shortUnits > 0);
    expect(short.length).toBeGreaterThan(0);
    for (const p of short) {
      expect(p.shortUnits).toBe(p.shortByLine.reduce((a, b) => a + b, 0));
      p.shortByLine.forEach((n, i) => expect(n).toBeLessThanOrEqual([6, 1, 24][i]!));
    }
    expect(short.some((p) => p.shortByLine[2]! > 0 && p.shortByLine[2]! < 24)).toBe(true);
  });
});

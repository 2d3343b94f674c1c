import { describe, expect, it } from 'vitest';
import { distanceKm, planAllocations, type Destination, type LineDemand, type StockAtLocation } from '#server/inventory/allocation-plan.ts';

const places = {
  austin: { lat: 30.2672, lon: -97.7431 },
  dallas: { lat: 32.7767, lon: -96.797 },
  houston: { lat: 29.7604, lon: -95.3698 },
  newYork: { lat: 40.7128, lon: -74.006 },
} satisfies Record<string, Destination>;
type Place = keyof typeof places;

function stockAt(place: Place, sku: string, available: number): StockAtLocation {
  return { sku, locationId: `loc-${place}`, available, ...places[place] };
}

function line(lineIndex: number, sku: string, quantity: number): LineDemand {
  return { lineIndex, sku, quantity };
}

const customerInAustin: Destination = { lat: 30.27, lon: -97.74 };

describe('planAllocations', () => {
  it('sends the whole order from the nearest location that can fill every line', () => {
    const stock = [
      stockAt('austin', 'TEE', 5), // nearest, but has no mugs
      stockAt('houston', 'TEE', 5),
      stockAt('houston', 'MUG', 5),
      stockAt('dallas', 'TEE', 5),
      stockAt('dallas', 'MUG', 5),
      stockAt('newYork', 'TEE', 50),
      stockAt('newYork', 'MUG', 50),
    ];
    const plan = planAllocations([line(0, 'TEE', 2), line(1, 'MUG', 1)], stock, customerInAustin);

    expect(plan.allocations).toEqual([
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-houston', quantity: 2 },
      { lineIndex: 1, sku: 'MUG', locationId: 'loc-houston', quantity: 1 },
    ]);
    expect(plan.shortByLine.size).toBe(0);
  });

  it('prefers one shipment from further away over splitting between nearer locations', () => {
    const stock = [stockAt('austin', 'TEE', 5), stockAt('houston', 'MUG', 5), stockAt('newYork', 'TEE', 5), stockAt('newYork', 'MUG', 5)];
    const plan = planAllocations([line(0, 'TEE', 1), line(1, 'MUG', 1)], stock, customerInAustin);

    expect(new Set(plan.allocations.map((a) => a.locationId))).toEqual(new Set(['loc-newYork']));
  });

  it('splits lines across the nearest locations with stock when no single location can fill the order', () => {
    const stock = [stockAt('austin', 'TEE', 1), stockAt('dallas', 'TEE', 5), stockAt('houston', 'MUG', 1), stockAt('newYork', 'TEE', 9)];
    const plan = planAllocations([line(0, 'TEE', 3), line(1, 'MUG', 1)], stock, customerInAustin);

    expect(plan.allocations).toEqual([
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-austin', quantity: 1 },
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-dallas', quantity: 2 },
      { lineIndex: 1, sku: 'MUG', locationId: 'loc-houston', quantity: 1 },
    ]);
    expect(plan.shortByLine.size).toBe(0);
  });

  it('reports the units no location can supply, per line, after taking what there is', () => {
    const stock = [stockAt('austin', 'TEE', 1), stockAt('dallas', 'TEE', 5)];
    const plan = planAllocations([line(0, 'TEE', 10), line(1, 'MUG', 2)], stock, customerInAustin);

    expect(plan.allocations).toEqual([
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-austin', quantity: 1 },
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-dallas', quantity: 5 },
    ]);
    expect(plan.shortByLine).toEqual(
      new Map([
        [0, 4],
        [1, 2],
      ]),
    );
  });

  it('ignores locations with zero or negative availability', () => {
    const stock = [stockAt('austin', 'TEE', 0), stockAt('austin', 'MUG', -3), stockAt('dallas', 'TEE', 2), stockAt('dallas', 'MUG', 1)];
    const plan = planAllocations([line(0, 'TEE', 2), line(1, 'MUG', 1)], stock, customerInAustin);

    expect(plan.allocations.map((a) => a.locationId)).toEqual(['loc-dallas', 'loc-dallas']);
  });

  it('never plans a zero or negative allocation when splitting', () => {
    const stock = [stockAt('austin', 'TEE', 0), stockAt('houston', 'TEE', -4), stockAt('dallas', 'TEE', 1)];
    const plan = planAllocations([line(0, 'TEE', 3)], stock, customerInAustin);

    expect(plan.allocations).toEqual([{ lineIndex: 0, sku: 'TEE', locationId: 'loc-dallas', quantity: 1 }]);
    expect(plan.shortByLine.get(0)).toBe(2);
  });

  it('without a destination, takes the whole order from the location with the most stock', () => {
    const stock = [stockAt('austin', 'TEE', 3), stockAt('newYork', 'TEE', 40), stockAt('dallas', 'TEE', 10)];
    const plan = planAllocations([line(0, 'TEE', 2)], stock, null);

    expect(plan.allocations).toEqual([{ lineIndex: 0, sku: 'TEE', locationId: 'loc-newYork', quantity: 2 }]);
  });

  it('without a destination, splits a line starting from the location with the most stock', () => {
    const stock = [stockAt('austin', 'TEE', 3), stockAt('houston', 'TEE', 4), stockAt('dallas', 'TEE', 10)];
    const plan = planAllocations([line(0, 'TEE', 12)], stock, null);

    expect(plan.allocations).toEqual([
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-dallas', quantity: 10 },
      { lineIndex: 0, sku: 'TEE', locationId: 'loc-houston', quantity: 2 },
    ]);
  });

  it('breaks ties between equally good locations by location id, so plans are deterministic', () => {
    const same = places.dallas;
    const stock: StockAtLocation[] = [
      { sku: 'TEE', locationId: 'loc-b', available: 5, ...same },
      { sku: 'TEE', locationId: 'loc-a', available: 5, ...same },
    ];

    expect(planAllocations([line(0, 'TEE', 1)], stock, customerInAustin).allocations[0]!.locationId).toBe('loc-a');
    expect(planAllocations([line(0, 'TEE', 1)], stock, null).allocations[0]!.locationId).toBe('loc-a');
  });

  it('keeps the caller’s line indexes', () => {
    const plan = planAllocations([line(3, 'TEE', 1), line(7, 'MUG', 9)], [stockAt('dallas', 'TEE', 1)], null);

    expect(plan.allocations).toEqual([{ lineIndex: 3, sku: 'TEE', locationId: 'loc-dallas', quantity: 1 }]);
    expect(plan.shortByLine).toEqual(new Map([[7, 9]]));
  });

  it('plans nothing for an order with no lines', () => {
    const plan = planAllocations([], [stockAt('dallas', 'TEE', 1)], customerInAustin);
    expect(plan.allocations).toEqual([]);
    expect(plan.shortByLine.size).toBe(0);
  });
});

describe('distanceKm', () => {
  it('puts Austin about 290 km from Dallas', () => {
    expect(distanceKm(places.austin, places.dallas)).toBeGreaterThan(280);
    expect(distanceKm(places.austin, places.dallas)).toBeLessThan(300);
  });

  it('is zero from a place to itself and the same in both directions', () => {
    expect(distanceKm(places.houston, places.houston)).toBe(0);
    expect(distanceKm(places.austin, places.newYork)).toBeCloseTo(distanceKm(places.newYork, places.austin), 9);
  });

  it('is half the Earth’s circumference between antipodes', () => {
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371, 3);
  });
});

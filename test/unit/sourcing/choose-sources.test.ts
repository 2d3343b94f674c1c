import { describe, expect, it } from 'vitest';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { line, location, shipOrder, stock, testPolicy } from './network-factory.ts';

// Costs below, by the test policy: ground ≤ 100 km is 500 + 100/kg, ≤ 500 km 700 + 150/kg,
// beyond 1000 + 200/kg; pick 50 a unit and pack 100 a shipment unless a location says otherwise.

describe('chooseSources: which location ships', () => {
  it('with equal handling costs, ships from the nearest location: postage rises with distance', () => {
    const request = shipOrder([line(0, 'TEE', 1)], [location('far', { km: 300 }), location('near', { km: 50 })], stock({ far: { TEE: 9 }, near: { TEE: 9 } }));

    const decision = chooseSources(request, testPolicy());

    // near: 500 + 100 × 1 kg + 50 + 100 = 750; far: 700 + 150 + 50 + 100 = 1000.
    expect(decision.log.strategy).toBe('single');
    expect(decision.shipments).toMatchObject([{ locationId: 'near', carrier: 'ground', billableKg: 1, shippingCents: 600, pickCents: 50, packCents: 100 }]);
    expect(decision.costs).toEqual({ currency: 'USD', shippingCents: 600, pickCents: 50, packCents: 100, splitPenaltyCents: 0, totalCents: 750 });
    expect(decision.log.runnersUp.map((r) => [r.shipments.map((s) => s.locationId), r.totalCents, r.deltaCents])).toEqual([[['far'], 1000, 250]]);
  });

  it('ships from a farther warehouse when its pick and pack save more than the extra postage', () => {
    const request = shipOrder(
      [line(0, 'TEE', 1)],
      [location('store', { kind: 'store', ships: true, km: 50, pick: 150, pack: 300 }), location('warehouse', { km: 300, pick: 30, pack: 100 })],
      stock({ store: { TEE: 9 }, warehouse: { TEE: 9 } }),
    );

    const decision = chooseSources(request, testPolicy());

    // store: 600 + 150 + 300 = 1050; warehouse: 850 + 30 + 100 = 980.
    expect(decision.shipments.map((s) => s.locationId)).toEqual(['warehouse']);
    expect(decision.costs.totalCents).toBe(980);
    expect(decision.log.runnersUp[0]).toMatchObject({ totalCents: 1050, deltaCents: 70 });
  });

  describe('fewest splits against cheaper postage', () => {
    // Two 1 kg lines: two nearby locations each hold one, a far one holds both.
    const lines = [line(0, 'A', 1, { grams: 1000 }), line(1, 'B', 1, { grams: 1000 })];
    const network = [location('near-a', { km: 50 }), location('near-b', { km: 60 }), location('far', { km: 1000 })];
    const held = stock({ 'near-a': { A: 5 }, 'near-b': { B: 5 }, far: { A: 5, B: 5 } });

    it('sends one parcel from far when the split penalty outweighs the postage two nearby parcels save', () => {
      const decision = chooseSources(shipOrder(lines, network, held), testPolicy({ splitPenaltyCents: 300 }));

      // far: 1000 + 200 × 2 kg + 2 × 50 + 100 = 1600; split: (600 + 50 + 100) × 2 + 300 = 1800.
      expect(decision.log.strategy).toBe('single');
      expect(decision.shipments.map((s) => s.locationId)).toEqual(['far']);
      expect(decision.costs.totalCents).toBe(1600);
      expect(decision.log.runnersUp[0]).toMatchObject({ totalCents: 1800, deltaCents: 200, splitPenaltyCents: 300 });
    });

    it('splits between the two nearby locations when splitting costs nothing extra', () => {
      const decision = chooseSources(shipOrder(lines, network, held), testPolicy({ splitPenaltyCents: 0 }));

      expect(decision.log.strategy).toBe('split_pair');
      expect(decision.shipments.map((s) => [s.locationId, s.lines])).toEqual([
        ['near-a', [{ lineIndex: 0, sku: 'A', quantity: 1 }]],
        ['near-b', [{ lineIndex: 1, sku: 'B', quantity: 1 }]],
      ]);
      expect(decision.costs).toMatchObject({ shippingCents: 1200, pickCents: 100, packCents: 200, splitPenaltyCents: 0, totalCents: 1500 });
      expect(decision.log.runnersUp[0]).toMatchObject({ totalCents: 1600, deltaCents: 100 });
    });
  });

  it('splits one line across two locations when neither holds it all, the nearer sending more on equal cost', () => {
    const request = shipOrder([line(0, 'TEE', 4)], [location('l2', { km: 60 }), location('l1', { km: 50 })], stock({ l1: { TEE: 3 }, l2: { TEE: 3 } }));

    const decision = chooseSources(request, testPolicy());

    // 3 units (1.5 kg → 2 kg): 500 + 200 + 150 + 100 = 950; 1 unit: 750; + 300 penalty. The
    // other way round costs the same 2000.
    expect(decision.log.strategy).toBe('split_pair');
    expect(decision.shipments.map((s) => [s.locationId, s.units])).toEqual([
      ['l1', 3],
      ['l2', 1],
    ]);
    expect(decision.costs.totalCents).toBe(2000);
    expect(decision.shortByLine.size).toBe(0);
  });

  it('never splits a line worth less than the threshold: one location sends what it has, the rest waits', () => {
    const request = shipOrder([line(0, 'TEE', 4, { priceCents: 500 })], [location('l1', { km: 50 }), location('l2', { km: 60 })], stock({ l1: { TEE: 3 }, l2: { TEE: 3 } }));

    const decision = chooseSources(request, testPolicy({ minSplitLineValueCents: 2_500 }));

    // 4 × 5.00 = 20.00 < 25.00: both hold 3, the nearer sends them.
    expect(decision.shipments.map((s) => [s.locationId, s.units])).toEqual([['l1', 3]]);
    expect(decision.shortByLine).toEqual(new Map([[0, 1]]));
    expect(decision.log.short).toEqual([{ lineIndex: 0, sku: 'TEE', quantity: 1, reason: 'not_split_low_value' }]);
    expect(decision.costs.totalCents).toBe(950);
  });

  it('splits a line worth exactly the threshold', () => {
    const request = shipOrder([line(0, 'TEE', 4, { priceCents: 625 })], [location('l1', { km: 50 }), location('l2', { km: 60 })], stock({ l1: { TEE: 3 }, l2: { TEE: 3 } }));

    const decision = chooseSources(request, testPolicy({ minSplitLineValueCents: 2_500 }));

    expect(decision.shipments.map((s) => s.units)).toEqual([3, 1]);
    expect(decision.shortByLine.size).toBe(0);
  });

  it('covers the order from three locations when no one or two can, paying the penalty twice', () => {
    const request = shipOrder(
      [line(0, 'A', 1), line(1, 'B', 1), line(2, 'C', 1)],
      [location('la', { km: 50 }), location('lb', { km: 60 }), location('lc', { km: 70 })],
      stock({ la: { A: 1 }, lb: { B: 1 }, lc: { C: 1 } }),
    );

    const decision = chooseSources(request, testPolicy());

    expect(decision.log.strategy).toBe('greedy_cover');
    expect(decision.shipments.map((s) => s.locationId)).toEqual(['la', 'lb', 'lc']);
    expect(decision.costs).toMatchObject({ splitPenaltyCents: 600, totalCents: 3 * 750 + 600 });
    expect(decision.log.greedyRounds.map((r) => r.locationId).sort()).toEqual(['la', 'lb', 'lc']);
  });

  it('takes every unit there is when stock is short, and says which line waits and why', () => {
    const request = shipOrder([line(0, 'TEE', 5), line(1, 'MUG', 1)], [location('l1', { km: 50 }), location('l2', { km: 60 })], stock({ l1: { TEE: 2 }, l2: { TEE: 1 } }));

    const decision = chooseSources(request, testPolicy());

    expect(decision.shipments.map((s) => [s.locationId, s.units])).toEqual([
      ['l1', 2],
      ['l2', 1],
    ]);
    expect(decision.shortByLine).toEqual(
      new Map([
        [0, 2],
        [1, 1],
      ]),
    );
    expect(decision.log.short.map((s) => s.reason)).toEqual(['no_stock', 'no_stock']);
  });

  it('bills the dimensional weight of a bulky parcel', () => {
    const pillow = line(0, 'PILLOW', 1, { grams: 1000, dimensionsMm: { lengthMm: 400, widthMm: 300, heightMm: 200 } });
    const decision = chooseSources(shipOrder([pillow], [location('near', { km: 50 })], stock({ near: { PILLOW: 1 } })), testPolicy());

    // 24,000,000 mm³ ÷ 5000 cm³/kg = 4800 g → 5 kg billed instead of 1.
    expect(decision.shipments[0]).toMatchObject({ weightGrams: 1000, billableKg: 5, shippingCents: 1000 });
  });

  it('draws two lines of one SKU from the same stock, first lines first', () => {
    const request = shipOrder([line(0, 'TEE', 2), line(1, 'MUG', 1), line(2, 'TEE', 3)], [location('l1', { km: 50 }), location('l2', { km: 60 })], stock({ l1: { TEE: 4, MUG: 1 }, l2: { TEE: 1 } }));

    const decision = chooseSources(request, testPolicy());

    // 5 TEE in all: l1 holds 4, l2 the fifth; lines 0 and 2 share them in line order.
    expect(decision.shipments.map((s) => [s.locationId, s.lines.map((l) => [l.lineIndex, l.quantity])])).toEqual([
      ['l1', [[0, 2], [1, 1], [2, 2]]],
      ['l2', [[2, 1]]],
    ]);
  });
});

describe('chooseSources: deterministic ties', () => {
  it('between identical locations picks the lower id, whatever order they come in', () => {
    const same = { km: 80 };
    const held = stock({ 'wh-a': { TEE: 5 }, 'wh-b': { TEE: 5 } });
    const forward = chooseSources(shipOrder([line(0, 'TEE', 1)], [location('wh-a', same), location('wh-b', same)], held), testPolicy());
    const backward = chooseSources(shipOrder([line(0, 'TEE', 1)], [location('wh-b', same), location('wh-a', same)], held), testPolicy());

    expect(forward.shipments.map((s) => s.locationId)).toEqual(['wh-a']);
    expect(backward.shipments).toEqual(forward.shipments);
    expect(backward.log.runnersUp).toEqual(forward.log.runnersUp);
  });

  it('at equal cost picks the nearer location before the lower id', () => {
    // Both within the first band: same postage, same handling.
    const request = shipOrder([line(0, 'TEE', 1)], [location('a-far', { km: 90 }), location('z-near', { km: 20 })], stock({ 'a-far': { TEE: 5 }, 'z-near': { TEE: 5 } }));

    const decision = chooseSources(request, testPolicy());

    expect(decision.shipments.map((s) => s.locationId)).toEqual(['z-near']);
    expect(decision.log.runnersUp[0]).toMatchObject({ deltaCents: 0 });
  });
});

describe('chooseSources: the decision log', () => {
  it('lists every location of the network once, in the order given, ranked or with why it was eliminated', () => {
    const locations = [
      location('ranked-2', { km: 300 }),
      location('closed', { km: 10, active: false }),
      location('flooded', { km: 20 }),
      location('no-ship-store', { kind: 'store', km: 30, ships: false }),
      location('busy', { km: 40, capacity: 0 }),
      location('empty', { km: 45 }),
      location('too-far', { km: 800 }),
      location('vendor', { kind: 'dropship', km: 5 }),
      location('ranked-1', { km: 50 }),
    ];
    const everyoneHoldsTee = Object.fromEntries(locations.filter((l) => l.id !== 'empty').map((l) => [l.id, { TEE: 5 }]));
    const policy = testPolicy({ exclusions: [{ locationId: 'flooded', reason: 'flooded since Monday' }] });
    policy.rates[0]!.zones = policy.rates[0]!.zones.slice(0, 2); // ground stops at 500 km

    const decision = chooseSources(shipOrder([line(0, 'TEE', 1)], locations, stock(everyoneHoldsTee)), policy);

    expect(decision.log.candidates.map((c) => [c.locationId, c.status === 'eliminated' ? c.reason : c.status === 'ranked' ? c.rank : c.status])).toEqual([
      ['ranked-2', 2],
      ['closed', 'inactive'],
      ['flooded', 'excluded'],
      ['no-ship-store', 'not_eligible_ship'],
      ['busy', 'capacity_exhausted'],
      ['empty', 'no_stock'],
      ['too-far', 'out_of_carrier_range'],
      ['vendor', 'vendor_only'],
      ['ranked-1', 1],
    ]);
    expect(decision.log.candidates[2]).toMatchObject({ status: 'eliminated', detail: 'flooded since Monday' });
    expect(decision.log.candidates[8]).toMatchObject({ status: 'ranked', chosen: true, fillsOrder: true, units: 1, costCents: 750, distanceKm: 50 });
    expect(decision.log.candidates[0]).toMatchObject({ status: 'ranked', chosen: false, costCents: 1000, distanceKm: 300 });
  });

  it('gives the winner’s cost breakdown and a sentence customer service can read out', () => {
    const request = shipOrder([line(0, 'TEE', 1)], [location('far', { km: 300 }), location('near', { km: 50 }), location('shut', { active: false })], stock({ far: { TEE: 9 }, near: { TEE: 9 } }));

    const { log } = chooseSources(request, testPolicy());

    expect(log.winner).toEqual({
      shipments: [{ locationId: 'near', type: 'ship', carrier: 'ground', units: 1, billableKg: 1, shippingCents: 600, pickCents: 50, packCents: 100, totalCents: 750 }],
      shippingCents: 600,
      pickCents: 50,
      packCents: 100,
      splitPenaltyCents: 0,
      totalCents: 750,
      unitsFilled: 1,
      deltaCents: 0,
    });
    expect(log.summary).toBe(
      'Ships from near in one shipment: the cheapest of 2 candidate locations; next best (far) costs 2.50 USD more; 1 location(s) eliminated (1 inactive). Total 7.50 USD.',
    );
    expect(JSON.parse(JSON.stringify(log))).toEqual(log);
  });
});

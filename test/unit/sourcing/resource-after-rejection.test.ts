import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '#server/core/errors.ts';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { resourceAfterRejection } from '#server/sourcing/resource-after-rejection.ts';
import { toAllocationPlan } from '#server/sourcing/to-allocation-plan.ts';
import { line, location, pickupOrder, shipOrder, stock, testPolicy } from './network-factory.ts';

// Three units of a 500 g tee. w1 is 50 km away, w2 300 km, w3 1000 km. By the test policy a
// parcel from w1 costs 600 (1 kg) or 700 (2 kg) postage, from w2 850 / 1000, from w3 1200;
// pick 50 a unit, pack 100, 300 per extra shipment.
const network = [location('w1', { km: 50 }), location('w2', { km: 300 }), location('w3', { km: 1000 })];
const request = shipOrder([line(0, 'TEE', 3)], network, stock({ w1: { TEE: 5 }, w2: { TEE: 5 }, w3: { TEE: 5 } }));
const policy = testPolicy();
const afternoon = new Date('2026-11-24T15:00:00Z');

describe('resourceAfterRejection', () => {
  const first = chooseSources(request, policy);

  it('starts from one shipment of three units from the nearest warehouse', () => {
    expect(first.shipments.map((s) => [s.locationId, s.units])).toEqual([['w1', 3]]);
    expect(first.costs.totalCents).toBe(950);
  });

  it('after a short pick keeps what was found, counts the location as holding only that, and sends the rest from elsewhere', () => {
    const rerouted = resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'short_pick', lines: [{ lineIndex: 0, fulfillableQuantity: 1 }], at: afternoon });

    expect(rerouted.shipments.map((s) => [s.locationId, s.units, s.shippingCents + s.pickCents + s.packCents, s.shipDate, s.promisedDate])).toEqual([
      ['w1', 1, 750, '2026-11-24', '2026-11-25'], // the kept part, priced again, dates as promised
      ['w2', 2, 1050, '2026-11-24', '2026-11-26'],
    ]);
    expect(rerouted.costs).toMatchObject({ splitPenaltyCents: 300, totalCents: 2100 });
    expect(rerouted.adjustments).toEqual([{ locationId: 'w1', sku: 'TEE', kind: 'set', units: 1, reason: 'short_pick' }]);
    expect(rerouted.log.reroute).toEqual({
      rejectedLocationId: 'w1',
      reason: 'short_pick',
      at: '2026-11-24T15:00:00.000Z',
      resourced: [{ lineIndex: 0, sku: 'TEE', quantity: 2 }],
      keptLocationIds: ['w1'],
      previousTotalCents: 950,
    });
    // w1 holds nothing more of it: it is not even a candidate for the two units.
    expect(rerouted.log.candidates[0]).toMatchObject({ locationId: 'w1', status: 'eliminated', reason: 'no_stock' });
    expect(rerouted.log.summary).toBe(
      'Rerouted after w1 reported short pick, keeping w1’s shipment; Ships from w2 in one shipment: the cheapest of 2 candidate locations; ' +
        'next best (w3) costs 3.50 USD more; 1 location(s) eliminated (1 no stock). Total 21.00 USD.',
    );
    expect(toAllocationPlan(rerouted).allocations).toEqual([
      { lineIndex: 0, sku: 'TEE', locationId: 'w1', quantity: 1 },
      { lineIndex: 0, sku: 'TEE', locationId: 'w2', quantity: 2 },
    ]);
  });

  it('after a closure excludes the location and sources its whole shipment again, dated from the reroute', () => {
    const rerouted = resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'closure', at: new Date('2026-11-24T19:00:00Z') });

    expect(rerouted.shipments.map((s) => [s.locationId, s.units, s.shipDate, s.promisedDate])).toEqual([['w2', 3, '2026-11-25', '2026-11-27']]);
    expect(rerouted.costs.totalCents).toBe(1250);
    expect(rerouted.exclusions).toEqual([{ locationId: 'w1', reason: 'closure reported at 2026-11-24T19:00:00.000Z' }]);
    expect(rerouted.log.candidates[0]).toMatchObject({ locationId: 'w1', status: 'eliminated', reason: 'excluded', detail: 'closure reported at 2026-11-24T19:00:00.000Z' });
    expect(rerouted.log.reroute).toMatchObject({ resourced: [{ lineIndex: 0, sku: 'TEE', quantity: 3 }], keptLocationIds: [] });
  });

  it('after damage lets the location send good units from the rest of its stock', () => {
    const rerouted = resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'damaged', lines: [{ lineIndex: 0, fulfillableQuantity: 1 }], at: afternoon });

    // w1 held 5: 2 damaged, 1 kept, 2 more to pick. A second parcel from w1 (600 + 100 + 100)
    // beats one from w2 (850 + 100 + 100); either adds the 300 penalty.
    expect(rerouted.adjustments).toEqual([{ locationId: 'w1', sku: 'TEE', kind: 'reduce', units: 2, reason: 'damaged' }]);
    expect(rerouted.shipments.map((s) => [s.locationId, s.units])).toEqual([
      ['w1', 1],
      ['w1', 2],
    ]);
    expect(rerouted.costs.totalCents).toBe(750 + 800 + 300);
    expect(toAllocationPlan(rerouted).allocations).toEqual([{ lineIndex: 0, sku: 'TEE', locationId: 'w1', quantity: 3 }]);
  });

  it('replays earlier rejections when another location rejects later', () => {
    const afterShortPick = resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'short_pick', lines: [{ lineIndex: 0, fulfillableQuantity: 1 }], at: afternoon });
    const afterClosure = resourceAfterRejection(request, policy, afterShortPick, { locationId: 'w2', reason: 'closure', at: afternoon });

    // w1 still holds only the unit it sends, w2 is closed: w3 sends the two (1200 + 100 + 100).
    expect(afterClosure.shipments.map((s) => [s.locationId, s.units])).toEqual([
      ['w1', 1],
      ['w3', 2],
    ]);
    expect(afterClosure.costs.totalCents).toBe(750 + 1400 + 300);
    expect(afterClosure.adjustments).toEqual(afterShortPick.adjustments);
    expect(afterClosure.exclusions.map((e) => e.locationId)).toEqual(['w2']);
  });

  it('leaves units short when nothing else holds them, keeping what was short before', () => {
    const scarce = shipOrder([line(0, 'TEE', 3), line(1, 'MUG', 1)], network, stock({ w1: { TEE: 3 } }));
    const decision = chooseSources(scarce, policy);
    const rerouted = resourceAfterRejection(scarce, policy, decision, { locationId: 'w1', reason: 'short_pick', lines: [{ lineIndex: 0, fulfillableQuantity: 2 }], at: afternoon });

    expect(rerouted.shipments.map((s) => [s.locationId, s.units])).toEqual([['w1', 2]]);
    expect(rerouted.shortByLine).toEqual(
      new Map([
        [0, 1],
        [1, 1],
      ]),
    );
  });

  it('cannot move a pickup order to another store', () => {
    const stores = [location('store', { kind: 'store' }), location('other', { kind: 'store' })];
    const pickup = pickupOrder('store', [line(0, 'TEE', 2)], stores, stock({ store: { TEE: 2 }, other: { TEE: 9 } }));
    const rerouted = resourceAfterRejection(pickup, policy, chooseSources(pickup, policy), { locationId: 'store', reason: 'capacity', at: afternoon });

    expect(rerouted.shipments).toEqual([]);
    expect(rerouted.log.short).toEqual([{ lineIndex: 0, sku: 'TEE', quantity: 2, reason: 'pickup_store_unavailable' }]);
  });

  it('refuses a rejection from a location without a shipment, or claiming more than it was given', () => {
    expect(() => resourceAfterRejection(request, policy, first, { locationId: 'w2', reason: 'closure', at: afternoon })).toThrow(ConflictError);
    expect(() =>
      resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'short_pick', lines: [{ lineIndex: 0, fulfillableQuantity: 4 }], at: afternoon }),
    ).toThrow(ValidationError);
    expect(() =>
      resourceAfterRejection(request, policy, first, { locationId: 'w1', reason: 'damaged', lines: [{ lineIndex: 7, fulfillableQuantity: 0 }], at: afternoon }),
    ).toThrow(ValidationError);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { resourceAfterRejection } from '#server/sourcing/resource-after-rejection.ts';
import { sourceBackorder } from '#server/sourcing/source-backorder.ts';
import { line, location, pickupOrder, shipOrder, stock, testPolicy } from './network-factory.ts';

// Three 500 g tees and a mug. w1 is 50 km away, w2 300 km, w3 1000 km; by the test policy a 1 kg
// parcel costs 600 postage from w1, 850 from w2, 1200 from w3; pick 50 a unit, pack 100.
const network = [location('w1', { km: 50 }), location('w2', { km: 300 }), location('w3', { km: 1000 })];
const lines = [line(0, 'TEE', 3), line(1, 'MUG', 1)];
const policy = testPolicy();
const stockArrives = new Date('2026-11-25T09:00:00Z');

/** The order placed when only w1 held one tee and the mug: two tees short. */
const placed = chooseSources(shipOrder(lines, network, stock({ w1: { TEE: 1, MUG: 1 } })), policy);

/** The two tees that wait, with what is free when stock arrives. */
function backorder(free: Record<string, Record<string, number>>) {
  return shipOrder([line(0, 'TEE', 2)], network, stock(free), { placedAt: stockArrives });
}

describe('sourceBackorder', () => {
  it('starts from one shipment from w1 with two tees short', () => {
    expect(placed.shipments.map((s) => [s.locationId, s.units])).toEqual([['w1', 2]]);
    expect(placed.shortByLine).toEqual(new Map([[0, 2]]));
  });

  it('sends the waiting units from the cheapest location, after the shipments that stand, dated when the stock arrived', () => {
    const filled = sourceBackorder(backorder({ w2: { TEE: 5 }, w3: { TEE: 5 } }), policy, placed);

    expect(filled.shipments.map((s) => [s.locationId, s.units, s.shipDate])).toEqual([
      ['w1', 2, '2026-11-24'],
      ['w2', 2, '2026-11-25'],
    ]);
    expect(filled.shortByLine).toEqual(new Map());
    expect(filled.decidedAt).toBe('2026-11-25T09:00:00.000Z');
    // Both shipments are priced, with the penalty for the second.
    expect(filled.costs.splitPenaltyCents).toBe(300);
    expect(filled.costs.totalCents).toBe(placed.costs.totalCents + 850 + 2 * 50 + 100 + 300);
    expect(filled.log.summary).toMatch(/^Backorder of 2 unit\(s\) sourced when stock arrived; Ships from w2 in one shipment/);
  });

  it('leaves out a location the order excluded, and what is still missing stays short', () => {
    const closed = resourceAfterRejection(shipOrder(lines, network, stock({ w1: { TEE: 1, MUG: 1 } })), policy, placed, { locationId: 'w1', reason: 'closure', at: stockArrives });
    expect(closed.shipments).toEqual([]);

    const filled = sourceBackorder(shipOrder(lines, network, stock({ w1: { TEE: 9, MUG: 9 }, w3: { TEE: 2 } }), { placedAt: stockArrives }), policy, closed);

    expect(filled.shipments.map((s) => [s.locationId, s.lines.map((l) => [l.sku, l.quantity])])).toEqual([['w3', [['TEE', 2]]]]);
    expect(filled.shortByLine).toEqual(new Map([[0, 1], [1, 1]]));
    expect(filled.exclusions).toEqual(closed.exclusions);
    expect(filled.log.candidates.find((c) => c.locationId === 'w1')).toMatchObject({ status: 'eliminated', reason: 'excluded' });
  });

  it('reads availability as given: a short pick counted earlier is carried for later rejections, not applied again', () => {
    const shortPicked = resourceAfterRejection(shipOrder(lines, network, stock({ w1: { TEE: 1, MUG: 1 } })), policy, placed, {
      locationId: 'w1',
      reason: 'short_pick',
      lines: [{ lineIndex: 0, fulfillableQuantity: 0 }],
      at: stockArrives,
    });
    expect(shortPicked.adjustments).toEqual([{ locationId: 'w1', sku: 'TEE', kind: 'set', units: 0, reason: 'short_pick' }]);

    const filled = sourceBackorder(shipOrder([line(0, 'TEE', 3)], network, stock({ w1: { TEE: 3 } }), { placedAt: stockArrives }), policy, shortPicked);

    expect(filled.shipments.at(-1)).toMatchObject({ locationId: 'w1', units: 3 });
    expect(filled.adjustments).toEqual(shortPicked.adjustments);
  });

  it('a pickup order waits for its own store only', () => {
    const store = location('s1', { kind: 'store', km: 0 });
    const first = chooseSources(pickupOrder('s1', [line(0, 'TEE', 2)], [store, ...network], stock({})), policy);

    const filled = sourceBackorder(pickupOrder('s1', [line(0, 'TEE', 2)], [store, ...network], stock({ w1: { TEE: 5 }, s1: { TEE: 1 } }), stockArrives), policy, first);

    expect(filled.shipments.map((s) => [s.locationId, s.type, s.units])).toEqual([['s1', 'pickup', 1]]);
    expect(filled.shortByLine).toEqual(new Map([[0, 1]]));
  });
});

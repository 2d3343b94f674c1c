import { describe, expect, it } from 'vitest';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { line, location, pickupOrder, shipOrder, stock, testPolicy } from './network-factory.ts';

describe('chooseSources: capacity', () => {
  it('passes over the nearest location once it has used up today’s capacity', () => {
    const request = shipOrder([line(0, 'TEE', 1)], [location('near', { km: 50, capacity: 0 }), location('far', { km: 300 })], stock({ near: { TEE: 9 }, far: { TEE: 9 } }));

    const decision = chooseSources(request, testPolicy());

    expect(decision.shipments.map((s) => s.locationId)).toEqual(['far']);
    expect(decision.costs.totalCents).toBe(1000);
    expect(decision.log.candidates.find((c) => c.locationId === 'near')).toMatchObject({ status: 'eliminated', reason: 'capacity_exhausted' });
  });

  it('leaves the order short rather than overloading the only location that holds it', () => {
    const request = shipOrder([line(0, 'TEE', 1)], [location('only', { capacity: 0 })], stock({ only: { TEE: 9 } }));

    const decision = chooseSources(request, testPolicy());

    expect(decision.shipments).toEqual([]);
    expect(decision.shortByLine).toEqual(new Map([[0, 1]]));
    expect(decision.log.strategy).toBe('nothing_available');
  });
});

describe('chooseSources: pickup in store', () => {
  const network = [
    location('store', { kind: 'store', km: 50, pick: 150, pack: 300 }),
    // Cheaper and holding plenty, but a pickup order is reserved at its store only.
    location('warehouse', { km: 5, pick: 10, pack: 10 }),
    location('other-store', { kind: 'store', km: 60 }),
  ];

  it('reserves at the pickup store only, costing its pick and pack and no postage', () => {
    const request = pickupOrder('store', [line(0, 'TEE', 2)], network, stock({ store: { TEE: 5 }, warehouse: { TEE: 500 }, 'other-store': { TEE: 5 } }));

    const decision = chooseSources(request, testPolicy());

    expect(decision.method).toBe('pickup');
    expect(decision.log.strategy).toBe('pickup');
    expect(decision.shipments).toEqual([
      {
        locationId: 'store',
        locationKind: 'store',
        type: 'pickup',
        carrier: null,
        service: null,
        lines: [{ lineIndex: 0, sku: 'TEE', quantity: 2 }],
        units: 2,
        weightGrams: 1000,
        billableKg: 0,
        distanceKm: 0,
        shippingCents: 0,
        pickCents: 300,
        packCents: 300,
        shipDate: '2026-11-24',
        promisedDate: '2026-11-24',
      },
    ]);
    expect(decision.costs.totalCents).toBe(600);
    expect(decision.log.candidates.filter((c) => c.status === 'eliminated').map((c) => [c.locationId, c.status === 'eliminated' && c.reason])).toEqual([
      ['warehouse', 'not_pickup_store'],
      ['other-store', 'not_pickup_store'],
    ]);
  });

  it('promises the next day when the order would be ready after the store’s cutoff', () => {
    const evening = new Date('2026-11-24T19:00:00Z'); // ready 21:00, cutoff 20:00
    const decision = chooseSources(pickupOrder('store', [line(0, 'TEE', 1)], network, stock({ store: { TEE: 5 } }), evening), testPolicy());

    expect(decision.shipments[0]).toMatchObject({ shipDate: '2026-11-25', promisedDate: '2026-11-25' });
  });

  it('holds what the store has and leaves the rest short, without fetching it from elsewhere', () => {
    const decision = chooseSources(pickupOrder('store', [line(0, 'TEE', 3)], network, stock({ store: { TEE: 1 }, warehouse: { TEE: 500 } })), testPolicy());

    expect(decision.shipments.map((s) => [s.locationId, s.units])).toEqual([['store', 1]]);
    expect(decision.shortByLine).toEqual(new Map([[0, 2]]));
  });

  it('reserves nothing at a store that does not offer pickup', () => {
    const noPickup = [location('store', { kind: 'store', pickup: false }), location('warehouse')];
    const decision = chooseSources(pickupOrder('store', [line(0, 'TEE', 1)], noPickup, stock({ store: { TEE: 5 } })), testPolicy());

    expect(decision.shipments).toEqual([]);
    expect(decision.log.candidates[0]).toMatchObject({ locationId: 'store', status: 'eliminated', reason: 'not_eligible_pickup' });
    expect(decision.log.short).toEqual([{ lineIndex: 0, sku: 'TEE', quantity: 1, reason: 'pickup_store_unavailable' }]);
  });
});

describe('chooseSources: drop-ship lines', () => {
  const network = [location('warehouse', { km: 50 }), location('grill-vendor', { kind: 'dropship', km: 300, pick: 20, pack: 50 })];
  const lines = [line(0, 'TEE', 1), line(1, 'GRILL', 1, { grams: 2000, vendor: 'grill-vendor' })];
  // The warehouse happens to hold grills and the vendor tees: neither may be used.
  const held = stock({ warehouse: { TEE: 5, GRILL: 5 }, 'grill-vendor': { GRILL: 100, TEE: 100 } });

  it('go to their vendor as a vendor order, the rest ships as usual', () => {
    const decision = chooseSources(shipOrder(lines, network, held), testPolicy());

    // warehouse: 600 + 50 + 100 = 750; vendor: 700 + 150 × 2 kg + 20 + 50 = 1070; one extra shipment 300.
    expect(decision.shipments.map((s) => [s.locationId, s.type, s.lines.map((l) => l.lineIndex), s.shippingCents + s.pickCents + s.packCents])).toEqual([
      ['warehouse', 'ship', [0], 750],
      ['grill-vendor', 'vendor_order', [1], 1070],
    ]);
    expect(decision.costs).toMatchObject({ splitPenaltyCents: 300, totalCents: 2120 });
    expect(decision.log.candidates.find((c) => c.locationId === 'grill-vendor')).toMatchObject({ status: 'vendor', units: 1, costCents: 1070 });
    // The vendor ships two business days after Tuesday (Thursday) and the parcel takes two more.
    expect(decision.shipments[1]).toMatchObject({ shipDate: '2026-11-26', promisedDate: '2026-11-30' });
    expect(decision.promisedDate).toBe('2026-11-30');
  });

  it('wait when their vendor is inactive, and nobody else ships them', () => {
    const closedVendor = [network[0]!, { ...network[1]!, active: false }];
    const decision = chooseSources(shipOrder(lines, closedVendor, held), testPolicy());

    expect(decision.shipments.map((s) => s.locationId)).toEqual(['warehouse']);
    expect(decision.costs.totalCents).toBe(750);
    expect(decision.log.short).toEqual([{ lineIndex: 1, sku: 'GRILL', quantity: 1, reason: 'vendor_unavailable' }]);
    expect(decision.log.candidates[1]).toMatchObject({ status: 'eliminated', reason: 'inactive' });
  });

  it('cannot be picked up in store', () => {
    const withStore = [...network, location('store', { kind: 'store' })];
    const decision = chooseSources(pickupOrder('store', lines, withStore, stock({ store: { TEE: 1, GRILL: 1 } })), testPolicy());

    expect(decision.shipments.map((s) => [s.locationId, s.lines.map((l) => l.lineIndex)])).toEqual([['store', [0]]]);
    expect(decision.log.short).toEqual([{ lineIndex: 1, sku: 'GRILL', quantity: 1, reason: 'drop_ship_not_pickable' }]);
  });

  it('make up the whole order when every line is drop-shipped', () => {
    const decision = chooseSources(shipOrder([lines[1]!], network, held), testPolicy());

    expect(decision.log.strategy).toBe('drop_ship_only');
    expect(decision.shipments.map((s) => s.type)).toEqual(['vendor_order']);
    expect(decision.log.candidates[0]).toMatchObject({ locationId: 'warehouse', status: 'eliminated', reason: 'not_needed' });
  });
});

describe('chooseSources: promised dates', () => {
  const order = (service: 'standard' | 'express', placedAt: Date, kind: 'warehouse' | 'store' = 'warehouse') =>
    chooseSources(shipOrder([line(0, 'TEE', 1)], [location('origin', { kind, ships: true, km: 300 })], stock({ origin: { TEE: 5 } }), { service, placedAt }), testPolicy());

  it('standard ground takes two business days over 300 km; express air one, at a higher price', () => {
    const standard = order('standard', new Date('2026-11-24T10:00:00Z'));
    const express = order('express', new Date('2026-11-24T10:00:00Z'));

    expect(standard.shipments[0]).toMatchObject({ carrier: 'ground', service: 'standard', shipDate: '2026-11-24', promisedDate: '2026-11-26', shippingCents: 850 });
    expect(express.shipments[0]).toMatchObject({ carrier: 'air', service: 'express', shipDate: '2026-11-24', promisedDate: '2026-11-25', shippingCents: 1800 });
  });

  it('after Friday’s cutoff ships on Monday and counts business days only', () => {
    const fridayEvening = new Date('2026-11-27T19:00:00Z');

    expect(order('standard', fridayEvening).shipments[0]).toMatchObject({ shipDate: '2026-11-30', promisedDate: '2026-12-02' });
    expect(order('express', fridayEvening).shipments[0]).toMatchObject({ shipDate: '2026-11-30', promisedDate: '2026-12-01' });
  });

  it('adds a store’s handling day', () => {
    expect(order('standard', new Date('2026-11-24T10:00:00Z'), 'store').shipments[0]).toMatchObject({ shipDate: '2026-11-25', promisedDate: '2026-11-27' });
  });
});

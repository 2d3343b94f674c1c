import { describe, expect, it } from 'vitest';
import { chooseSources } from '#server/sourcing/choose-sources.ts';
import { toAllocationPlan } from '#server/sourcing/to-allocation-plan.ts';
import { line, location, shipOrder, stock, testPolicy } from './network-factory.ts';

describe('toAllocationPlan', () => {
  const request = shipOrder(
    [line(0, 'TEE', 4), line(1, 'GRILL', 1, { vendor: 'vendor' }), line(2, 'MUG', 2)],
    [location('l1', { km: 50 }), location('l2', { km: 60 }), location('vendor', { kind: 'dropship', km: 200 })],
    stock({ l1: { TEE: 3 }, l2: { TEE: 3 }, vendor: { GRILL: 9 } }),
  );
  const decision = chooseSources(request, testPolicy());

  it('gives one allocation per line and location, by line, with the same short units', () => {
    expect(toAllocationPlan(decision)).toEqual({
      allocations: [
        { lineIndex: 0, sku: 'TEE', locationId: 'l1', quantity: 3 },
        { lineIndex: 0, sku: 'TEE', locationId: 'l2', quantity: 1 },
        { lineIndex: 1, sku: 'GRILL', locationId: 'vendor', quantity: 1 },
      ],
      shortByLine: new Map([[2, 2]]),
    });
  });

  it('can leave vendor orders out for a caller that raises purchase orders instead', () => {
    expect(toAllocationPlan(decision, { vendorOrders: 'omit' }).allocations.map((a) => a.locationId)).toEqual(['l1', 'l2']);
  });

  it('returns a plan the caller may change without touching the decision', () => {
    const plan = toAllocationPlan(decision);
    plan.shortByLine.clear();
    plan.allocations[0]!.quantity = 99;
    expect(decision.shortByLine.size).toBe(1);
    expect(decision.shipments[0]!.lines[0]!.quantity).toBe(3);
  });
});

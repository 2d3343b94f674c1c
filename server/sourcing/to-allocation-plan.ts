import type { AllocationPlan, PlannedAllocation } from '#server/inventory/allocation-plan.ts';
import type { SourcingDecision } from './sourcing.types.ts';

export interface AllocationPlanOptions {
  /**
   * `reserve` (default): vendor orders are reserved like any location's stock (the vendor's
   * location must then have inventory levels). `omit`: they are left out of the plan, neither
   * allocated nor short, for a caller that raises vendor purchase orders instead.
   */
  vendorOrders: 'reserve' | 'omit';
}

/**
 * The decision as the plan that server/inventory/reserve-stock.ts writes: one allocation per
 * line × location (two shipments from one location after a reroute are summed), by line then
 * in shipment order, and the same short units per line.
 */
export function toAllocationPlan(decision: SourcingDecision, options: AllocationPlanOptions = { vendorOrders: 'reserve' }): AllocationPlan {
  const byKey = new Map<string, PlannedAllocation>();
  for (const shipment of decision.shipments) {
    if (shipment.type === 'vendor_order' && options.vendorOrders === 'omit') continue;
    for (const line of shipment.lines) {
      const key = `${line.lineIndex}\u0000${shipment.locationId}`;
      const existing = byKey.get(key);
      if (existing) existing.quantity += line.quantity;
      else byKey.set(key, { lineIndex: line.lineIndex, sku: line.sku, locationId: shipment.locationId, quantity: line.quantity });
    }
  }
  const allocations = [...byKey.values()].sort((a, b) => a.lineIndex - b.lineIndex);
  return { allocations, shortByLine: new Map(decision.shortByLine) };
}

import { orderQuantity, policyLevels, stockoutOutlook, type Arrival, type DailyForecast, type PolicyLevels } from './policy.ts';

/** What the plan knows of one SKU at one location. */
export interface LocationPosition {
  locationId: string;
  /** Drop-ship vendors are bought for but never move stock to or from another location. */
  dropship: boolean;
  /** On hand less reserved: what can still serve new demand. */
  available: number;
  /** Open purchase order lines and transfers on their way in. */
  inbound: number;
  arrivals: readonly Arrival[];
  points: readonly DailyForecast[];
  horizonSd: readonly number[];
  serviceLevel: number;
  reviewPeriodDays: number;
  /** The planner's override of the supplier's or lane's lead time. */
  leadTimeDays: number | null;
  active: boolean;
}

export interface SupplyOption {
  supplierId: string;
  unitCostCents: number;
  leadTimeDays: number;
  minimumOrderQuantity: number;
  casePack: number;
  currency: string;
}

export interface LaneTerms {
  leadTimeDays: number;
  costPerUnitCents: number;
}

export interface ProposalPosition extends PolicyLevels {
  available: number;
  inbound: number;
  daysOfCover: number;
}

export interface PlannedProposal {
  sku: string;
  locationId: string;
  kind: 'purchase' | 'transfer';
  supplierId: string | null;
  fromLocationId: string | null;
  quantity: number;
  unitCostCents: number;
  currency: string;
  leadTimeDays: number;
  position: ProposalPosition;
  stockoutDate: string | null;
}

/** Lead time when neither a supplier nor the planner says. */
export const FALLBACK_LEAD_TIME_DAYS = 7;

interface Assessed {
  at: LocationPosition;
  levels: PolicyLevels;
  leadTimeDays: number;
  stockoutDate: string | null;
  daysOfCover: number;
  need: number;
  excess: number;
}

function assess(at: LocationPosition, supply: SupplyOption | null): Assessed {
  const leadTimeDays = at.leadTimeDays ?? supply?.leadTimeDays ?? FALLBACK_LEAD_TIME_DAYS;
  const levels = policyLevels({ points: at.points, horizonSd: at.horizonSd, leadTimeDays, reviewPeriodDays: at.reviewPeriodDays, serviceLevel: at.serviceLevel });
  const outlook = stockoutOutlook(at.points, at.available, at.arrivals);
  const position = at.available + at.inbound;
  const need = at.active && position < levels.reorderPoint ? levels.orderUpTo - position : 0;
  // Only stock on the shelf can move, and a location keeps what it needs up to its own order-up-to level.
  const excess = at.dropship || need > 0 ? 0 : Math.floor(at.available - Math.max(levels.orderUpTo, levels.reorderPoint));
  return { at, levels, leadTimeDays, stockoutDate: outlook.stockoutDate, daysOfCover: outlook.daysOfCover, need, excess: Math.max(0, excess) };
}

/**
 * Proposals for one SKU across the network: every location whose position fell below its reorder
 * point is brought up to its order-up-to level, first by transfers from locations holding more
 * than their own order-up-to level (nearest lane first, only when the lane is not slower than
 * buying), then by a purchase from the SKU's supplier. Locations running out soonest are served first.
 */
export function planSkuRestock(
  sku: string,
  positions: readonly LocationPosition[],
  supply: SupplyOption | null,
  lane: (fromLocationId: string, toLocationId: string) => LaneTerms,
  currency: string,
): PlannedProposal[] {
  const assessed = positions.map((p) => assess(p, supply));
  const donors = assessed.filter((a) => a.excess > 0);
  const needy = assessed.filter((a) => a.need > 0).sort((x, y) => (x.stockoutDate ?? '9999').localeCompare(y.stockoutDate ?? '9999') || y.need - x.need);
  const proposals: PlannedProposal[] = [];
  for (const a of needy) {
    const position: ProposalPosition = { ...a.levels, available: a.at.available, inbound: a.at.inbound, daysOfCover: a.daysOfCover };
    let remaining = Math.ceil(a.need);
    if (!a.at.dropship) {
      const lanes = donors
        .filter((d) => d.excess > 0 && d.at.locationId !== a.at.locationId)
        .map((d) => ({ donor: d, terms: lane(d.at.locationId, a.at.locationId) }))
        .filter((l) => l.terms.leadTimeDays <= a.leadTimeDays)
        .sort((x, y) => x.terms.leadTimeDays - y.terms.leadTimeDays || x.terms.costPerUnitCents - y.terms.costPerUnitCents);
      for (const { donor, terms } of lanes) {
        if (remaining <= 0) break;
        const quantity = Math.min(remaining, donor.excess);
        if (quantity <= 0) continue;
        donor.excess -= quantity;
        remaining -= quantity;
        proposals.push({
          sku,
          locationId: a.at.locationId,
          kind: 'transfer',
          supplierId: null,
          fromLocationId: donor.at.locationId,
          quantity,
          unitCostCents: terms.costPerUnitCents,
          currency,
          leadTimeDays: terms.leadTimeDays,
          position,
          stockoutDate: a.stockoutDate,
        });
      }
    }
    if (remaining > 0 && supply) {
      proposals.push({
        sku,
        locationId: a.at.locationId,
        kind: 'purchase',
        supplierId: supply.supplierId,
        fromLocationId: null,
        quantity: orderQuantity(remaining, supply.minimumOrderQuantity, supply.casePack),
        unitCostCents: supply.unitCostCents,
        currency: supply.currency,
        leadTimeDays: a.leadTimeDays,
        position,
        stockoutDate: a.stockoutDate,
      });
    }
  }
  return proposals;
}

import { eq } from 'drizzle-orm';
import type { Database, Executor } from '#db/client.ts';
import { restockProposals } from '#db/schema/replenishment.ts';
import type { SeriesForecast } from '#analytics/forecast/index.ts';
import { laneLeadTimes, preferredSuppliers } from '#server/purchasing/index.ts';
import { planSkuRestock, type LocationPosition, type PlannedProposal, type SupplyOption } from './plan-restock.ts';
import { stockoutOutlook, type Arrival } from './policy.ts';
import { cellKey, type NetworkStock } from './stock-positions.ts';

export interface ReplenishmentDefaults {
  serviceLevel: number;
  reviewPeriodDays: number;
}

/** The configuration's defaults (REPLENISHMENT_SERVICE_LEVEL, REPLENISHMENT_REVIEW_DAYS). */
export const DEFAULT_REPLENISHMENT: ReplenishmentDefaults = { serviceLevel: 0.95, reviewPeriodDays: 7 };

/** A location series' stock-out risk, stored with its forecast for the ranking. */
export interface SeriesRisk {
  available: number;
  inbound: number;
  stockoutDate: string | null;
  shortUnits: number;
}

export interface RestockPlan {
  proposals: PlannedProposal[];
  /** Keyed `sku@locationId`. */
  risks: Map<string, SeriesRisk>;
}

function arrivalsOf(inbound: number, nextInboundDate: string | null, firstDay: string | undefined): Arrival[] {
  if (inbound <= 0) return [];
  // Undated inbound is taken as arriving at once: optimistic, as a planner reading "on order" would.
  return [{ date: nextInboundDate ?? firstDay ?? '0000-01-01', quantity: inbound }];
}

/**
 * Plans every SKU across the locations a run forecast: reads the SKUs' suppliers and the transfer
 * lanes, then planSkuRestock per SKU. `forecasts` maps `sku@locationId` to the location's forecast.
 */
export async function planRestock(db: Database, stock: NetworkStock, forecasts: ReadonlyMap<string, SeriesForecast>, defaults: ReplenishmentDefaults): Promise<RestockPlan> {
  const bySku = new Map<string, { locationId: string; forecast: SeriesForecast }[]>();
  for (const [key, forecast] of forecasts) {
    const at = key.lastIndexOf('@');
    const sku = key.slice(0, at);
    const locationId = key.slice(at + 1);
    if (!stock.locations.has(locationId) || !stock.products.has(sku)) continue;
    const list = bySku.get(sku) ?? [];
    list.push({ locationId, forecast });
    bySku.set(sku, list);
  }
  const [suppliers, lane] = await Promise.all([preferredSuppliers(db, [...bySku.keys()]), laneLeadTimes(db)]);

  const proposals: PlannedProposal[] = [];
  const risks = new Map<string, SeriesRisk>();
  for (const [sku, located] of bySku) {
    const positions: LocationPosition[] = located.map(({ locationId, forecast }) => {
      const key = cellKey(sku, locationId);
      const cell = stock.cells.get(key);
      const override = stock.settings.get(key);
      const available = Math.max(0, cell?.available ?? 0);
      const inbound = cell?.inbound ?? 0;
      const arrivals = arrivalsOf(inbound, cell?.nextInboundDate ?? null, forecast.points[0]?.date);
      const outlook = stockoutOutlook(forecast.points, available, arrivals);
      risks.set(key, { available, inbound, stockoutDate: outlook.stockoutDate, shortUnits: outlook.shortUnits });
      return {
        locationId,
        dropship: stock.locations.get(locationId)?.kind === 'dropship',
        available,
        inbound,
        arrivals,
        points: forecast.points,
        horizonSd: forecast.horizonSd,
        serviceLevel: override?.serviceLevel ?? defaults.serviceLevel,
        reviewPeriodDays: override?.reviewPeriodDays ?? defaults.reviewPeriodDays,
        leadTimeDays: override?.leadTimeDays ?? null,
        active: override?.active ?? true,
      };
    });
    const found = suppliers.get(sku);
    const supply: SupplyOption | null = found
      ? { supplierId: found.supplierId, unitCostCents: found.unitCostCents, leadTimeDays: found.leadTimeDays, minimumOrderQuantity: found.minimumOrderQuantity, casePack: found.casePack, currency: stock.products.get(sku)!.currency }
      : null;
    proposals.push(...planSkuRestock(sku, positions, supply, lane, stock.products.get(sku)!.currency));
  }
  return { proposals, risks };
}

/**
 * Replaces what earlier runs proposed and nobody decided with this run's proposals. Runs inside
 * the run's final transaction: planners never see two runs' proposals mixed.
 */
export async function replaceOpenProposals(tx: Executor, runId: string, proposals: readonly PlannedProposal[], now: Date): Promise<number> {
  await tx.update(restockProposals).set({ status: 'superseded', updatedAt: now }).where(eq(restockProposals.status, 'proposed'));
  for (let i = 0; i < proposals.length; i += 500) {
    await tx.insert(restockProposals).values(
      proposals.slice(i, i + 500).map((p) => ({
        runId,
        sku: p.sku,
        locationId: p.locationId,
        kind: p.kind,
        supplierId: p.supplierId,
        fromLocationId: p.fromLocationId,
        suggestedQuantity: p.quantity,
        quantity: p.quantity,
        unitCostCents: p.unitCostCents,
        currency: p.currency,
        leadTimeDays: p.leadTimeDays,
        position: roundPosition(p.position),
        stockoutDate: p.stockoutDate,
        createdAt: now,
        updatedAt: now,
      })),
    );
  }
  return proposals.length;
}

function roundPosition(position: PlannedProposal['position']): Record<string, number> {
  return Object.fromEntries(Object.entries(position).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}

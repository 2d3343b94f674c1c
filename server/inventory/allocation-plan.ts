/** Pure choice of where each order line's units are reserved. */

export interface StockAtLocation {
  sku: string;
  locationId: string;
  /** on_hand - reserved - safety_stock, never below zero. */
  available: number;
  lat: number;
  lon: number;
}

/** What sourcing weighs about a location that holds some of an order's SKUs. */
export interface StockLocation {
  id: string;
  kind: 'warehouse' | 'store' | 'dropship' | '3pl';
  lat: number;
  lon: number;
  pickCostCents: number;
  packCostCents: number;
  dailyCapacity: number;
  shipsToCustomers: boolean;
  offersPickup: boolean;
}

export interface LineDemand {
  lineIndex: number;
  sku: string;
  quantity: number;
}

export interface PlannedAllocation {
  lineIndex: number;
  sku: string;
  locationId: string;
  quantity: number;
}

export interface AllocationPlan {
  allocations: PlannedAllocation[];
  /** Units per line that no location can supply now. */
  shortByLine: Map<number, number>;
}

export interface Destination {
  lat: number;
  lon: number;
}

/**
 * One shipment beats several: if a single location can fill every line, the nearest such
 * location gets the whole order. Otherwise each line takes from the nearest locations with
 * stock, splitting across locations when one cannot fill it. Without a destination, the
 * location with the most stock comes first.
 */
export function planAllocations(demand: LineDemand[], stock: StockAtLocation[], destination: Destination | null): AllocationPlan {
  const rank = (s: StockAtLocation) => (destination ? distanceKm(destination, s) : -s.available);
  const byLocation = new Map<string, Map<string, StockAtLocation>>();
  for (const s of stock) {
    if (s.available <= 0) continue;
    const skus = byLocation.get(s.locationId) ?? new Map<string, StockAtLocation>();
    skus.set(s.sku, s);
    byLocation.set(s.locationId, skus);
  }

  const complete = [...byLocation.entries()]
    .filter(([, skus]) => demand.every((d) => (skus.get(d.sku)?.available ?? 0) >= d.quantity))
    .map(([locationId, skus]) => ({ locationId, score: Math.min(...[...skus.values()].map(rank)) }))
    .sort((a, b) => a.score - b.score || a.locationId.localeCompare(b.locationId));
  const single = complete[0];
  if (single) {
    return {
      allocations: demand.map((d) => ({ lineIndex: d.lineIndex, sku: d.sku, locationId: single.locationId, quantity: d.quantity })),
      shortByLine: new Map(),
    };
  }

  const remaining = new Map(stock.map((s) => [`${s.sku}|${s.locationId}`, Math.max(0, s.available)]));
  const allocations: PlannedAllocation[] = [];
  const shortByLine = new Map<number, number>();
  for (const d of demand) {
    let needed = d.quantity;
    const candidates = stock
      .filter((s) => s.sku === d.sku)
      .sort((a, b) => rank(a) - rank(b) || a.locationId.localeCompare(b.locationId));
    for (const s of candidates) {
      if (needed === 0) break;
      const key = `${s.sku}|${s.locationId}`;
      const take = Math.min(needed, remaining.get(key) ?? 0);
      if (take <= 0) continue;
      remaining.set(key, (remaining.get(key) ?? 0) - take);
      allocations.push({ lineIndex: d.lineIndex, sku: d.sku, locationId: s.locationId, quantity: take });
      needed -= take;
    }
    if (needed > 0) shortByLine.set(d.lineIndex, needed);
  }
  return { allocations, shortByLine };
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine). */
export function distanceKm(a: Destination, b: Destination): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

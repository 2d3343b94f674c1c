import type { InventoryLevel, Location } from '../api/types.ts';

export interface MatrixRow {
  sku: string;
  cells: (InventoryLevel | null)[];
  available: number;
  low: boolean;
}

/**
 * Levels as a SKU × location matrix (locations as columns, by code), with each SKU's network
 * availability and whether any of its levels is at or under its safety stock.
 */
export function availabilityMatrix(levels: readonly InventoryLevel[], locations: readonly Location[]): { columns: Location[]; rows: MatrixRow[] } {
  const used = new Set(levels.map((level) => level.locationId));
  const columns = locations.filter((location) => used.has(location.id)).sort((a, b) => a.code.localeCompare(b.code));
  const bySku = new Map<string, Map<string, InventoryLevel>>();
  for (const level of levels) {
    let row = bySku.get(level.sku);
    if (!row) bySku.set(level.sku, (row = new Map()));
    row.set(level.locationId, level);
  }
  const rows = [...bySku.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sku, at]) => {
      const cells = columns.map((column) => at.get(column.id) ?? null);
      return {
        sku,
        cells,
        available: [...at.values()].reduce((sum, level) => sum + level.available, 0),
        low: [...at.values()].some(isLow),
      };
    });
  return { columns, rows };
}

/** At or under safety stock (and a safety stock is set), or nothing left to promise. */
export function isLow(level: InventoryLevel): boolean {
  return level.available <= 0 || (level.safetyStock > 0 && level.available <= level.safetyStock);
}

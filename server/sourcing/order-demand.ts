import type { ShipmentLine, SourcingLine } from './sourcing.types.ts';

/**
 * What sourcing fills: the order's lines merged per SKU (two lines of one SKU draw on the
 * same stock), drop-ship lines apart per vendor. Units found for a demand are handed back to
 * its lines in line order.
 */
export interface Demand {
  sku: string;
  /** Column of this SKU in the availability matrix. */
  slot: number;
  quantity: number;
  unitWeightGrams: number;
  unitVolumeMm3: number;
  valueCents: number;
  /** False below the policy's minimum line value: the demand comes from one location or waits. */
  splittable: boolean;
  vendorId: string | null;
  /** In ascending lineIndex. */
  lines: SourcingLine[];
}

export interface OrderDemand {
  own: Demand[];
  byVendor: Map<string, Demand[]>;
  /** SKU → column of the availability matrix. */
  slots: Map<string, number>;
}

export function orderDemand(lines: readonly SourcingLine[], minSplitLineValueCents: number): OrderDemand {
  const slots = new Map<string, number>();
  const own: Demand[] = [];
  const byVendor = new Map<string, Demand[]>();
  const sorted = lines.length > 1 ? [...lines].sort((a, b) => a.lineIndex - b.lineIndex) : lines;
  for (const line of sorted) {
    if (!(line.quantity > 0)) continue;
    let slot = slots.get(line.sku);
    if (slot === undefined) slots.set(line.sku, (slot = slots.size));
    const vendorId = line.dropShipVendorId ?? null;
    let group = own;
    if (vendorId !== null) {
      group = byVendor.get(vendorId) ?? [];
      byVendor.set(vendorId, group);
    }
    const valueCents = line.unitPriceCents * line.quantity;
    const same = group.find((d) => d.sku === line.sku);
    if (same) {
      same.quantity += line.quantity;
      same.valueCents += valueCents;
      same.splittable = same.valueCents >= minSplitLineValueCents;
      same.lines.push(line);
      continue;
    }
    const size = line.dimensionsMm;
    group.push({
      sku: line.sku,
      slot,
      quantity: line.quantity,
      unitWeightGrams: line.unitWeightGrams,
      unitVolumeMm3: size ? size.lengthMm * size.widthMm * size.heightMm : 0,
      valueCents,
      splittable: valueCents >= minSplitLineValueCents,
      vendorId,
      lines: [line],
    });
  }
  return { own, byVendor, slots };
}

/**
 * Hands units of demands to their lines, first lines first, across successive calls (one per
 * shipment), and says afterwards what each line still lacks.
 */
export class LineFiller {
  readonly #demands: readonly Demand[];
  /** `#filled[d][i]`: units line i of demand d got so far. */
  readonly #filled: number[][];

  constructor(demands: readonly Demand[]) {
    this.#demands = demands;
    this.#filled = demands.map((d) => d.lines.map(() => 0));
  }

  take(demandIndex: number, units: number, into: ShipmentLine[]): void {
    const demand = this.#demands[demandIndex]!;
    const filled = this.#filled[demandIndex]!;
    let left = units;
    for (let i = 0; i < demand.lines.length && left > 0; i++) {
      const line = demand.lines[i]!;
      const room = line.quantity - filled[i]!;
      if (room <= 0) continue;
      const quantity = Math.min(room, left);
      filled[i] = filled[i]! + quantity;
      left -= quantity;
      into.push({ lineIndex: line.lineIndex, sku: line.sku, quantity });
    }
  }

  /** The lines with units no call has filled. */
  unfilled(): { demandIndex: number; line: SourcingLine; quantity: number }[] {
    const result: { demandIndex: number; line: SourcingLine; quantity: number }[] = [];
    this.#demands.forEach((demand, d) => {
      demand.lines.forEach((line, i) => {
        const quantity = line.quantity - this.#filled[d]![i]!;
        if (quantity > 0) result.push({ demandIndex: d, line, quantity });
      });
    });
    return result;
  }
}

/** A packaging type as the planner sees it (the active rows of packaging_types). */
export interface Packaging {
  code: string;
  innerLengthMm: number;
  innerWidthMm: number;
  innerHeightMm: number;
  maxWeightGrams: number;
  tareGrams: number;
  costCents: number;
}

/** Units of one shipment line to pack; dimensions are null when the catalog does not know them. */
export interface PackUnit {
  lineId: string;
  sku: string;
  quantity: number;
  unitWeightGrams: number;
  dimensionsMm: [number, number, number] | null;
}

export interface PlannedPackage {
  packaging: Packaging;
  contents: { lineId: string; sku: string; quantity: number }[];
  /** Contents plus the packaging's tare. */
  weightGrams: number;
}

export type PackagePlan = { ok: true; packages: PlannedPackage[] } | { ok: false; sku: string; reason: string };

const volume = (dims: readonly number[]) => dims.reduce((v, d) => v * d, 1);
const boxDims = (p: Packaging) => [p.innerLengthMm, p.innerWidthMm, p.innerHeightMm].sort((a, b) => b - a);
const boxVolume = (p: Packaging) => volume(boxDims(p));

/** Whether one unit fits the box at all: its sides (largest against largest) and its weight. */
function unitFits(p: Packaging, unit: PackUnit): boolean {
  if (unit.unitWeightGrams > p.maxWeightGrams) return false;
  if (!unit.dimensionsMm) return true;
  const sides = [...unit.dimensionsMm].sort((a, b) => b - a);
  const inner = boxDims(p);
  return sides.every((side, i) => side <= inner[i]!);
}

interface Open {
  contents: Map<string, { lineId: string; sku: string; quantity: number }>;
  /** The kinds of unit inside, for the side-by-side fit of a smaller type. */
  units: PackUnit[];
  weight: number;
  volume: number;
}

/** How many more units of `unit` the box takes, by weight and by summed volume. */
function room(p: Packaging, open: Open, unit: PackUnit): number {
  if (!unitFits(p, unit)) return 0;
  const byWeight = unit.unitWeightGrams > 0 ? Math.floor((p.maxWeightGrams - open.weight) / unit.unitWeightGrams) : Infinity;
  const unitVolume = unit.dimensionsMm ? volume(unit.dimensionsMm) : 0;
  const byVolume = unitVolume > 0 ? Math.floor((boxVolume(p) - open.volume) / unitVolume) : Infinity;
  return Math.max(0, Math.min(byWeight, byVolume));
}

/**
 * Chooses packaging: the smallest active type (by inner volume, then cost) whose inner
 * dimensions, volume and weight limit hold everything; when none does, units are filled into
 * the largest type, biggest units first, opening another package when one is full, and each
 * package then gets the smallest type that holds its own contents. Volume is the units' summed
 * volume (no three-dimensional arrangement); a unit without known dimensions counts by weight only.
 */
export function planPackages(units: PackUnit[], packagings: Packaging[]): PackagePlan {
  const boxes = [...packagings].sort((a, b) => boxVolume(a) - boxVolume(b) || a.costCents - b.costCents || (a.code < b.code ? -1 : 1));
  const largest = [...boxes].sort((a, b) => b.maxWeightGrams * boxVolume(b) - a.maxWeightGrams * boxVolume(a))[0];
  for (const unit of units) {
    if (!largest || !boxes.some((b) => unitFits(b, unit))) return { ok: false, sku: unit.sku, reason: 'fits no active packaging' };
  }
  const sorted = [...units].sort(
    (a, b) => volume(b.dimensionsMm ?? [0]) - volume(a.dimensionsMm ?? [0]) || b.unitWeightGrams - a.unitWeightGrams || (a.lineId < b.lineId ? -1 : 1),
  );
  const fill = (box: Packaging): Open[] => {
    const opened: Open[] = [];
    for (const unit of sorted) {
      let left = unit.quantity;
      for (const open of opened) {
        if (left === 0) break;
        left -= put(box, open, unit, left);
      }
      while (left > 0) {
        const open: Open = { contents: new Map(), units: [], weight: 0, volume: 0 };
        const placed = put(box, open, unit, left);
        // A unit that fits no box of this type alone: the caller picks another type.
        if (placed === 0) return [];
        opened.push(open);
        left -= placed;
      }
    }
    return opened;
  };
  for (const box of boxes) {
    const single = fill(box);
    if (single.length === 1) return { ok: true, packages: [planned(box, single[0]!, boxes)] };
  }
  const split = fill(largest!);
  return { ok: true, packages: split.map((open) => planned(largest!, open, boxes)) };
}

function put(box: Packaging, open: Open, unit: PackUnit, wanted: number): number {
  const n = Math.min(wanted, room(box, open, unit));
  if (n <= 0) return 0;
  const entry = open.contents.get(unit.lineId) ?? { lineId: unit.lineId, sku: unit.sku, quantity: 0 };
  entry.quantity += n;
  open.contents.set(unit.lineId, entry);
  if (!open.units.includes(unit)) open.units.push(unit);
  open.weight += n * unit.unitWeightGrams;
  open.volume += n * (unit.dimensionsMm ? volume(unit.dimensionsMm) : 0);
  return n;
}

/** The smallest type that holds these contents (the filled type at worst). */
function planned(filledIn: Packaging, open: Open, boxes: Packaging[]): PlannedPackage {
  const holds = (box: Packaging) => open.weight <= box.maxWeightGrams && open.volume <= boxVolume(box) && open.units.every((u) => unitFits(box, u));
  const best = boxes.find(holds) ?? filledIn;
  return { packaging: best, contents: [...open.contents.values()], weightGrams: open.weight + best.tareGrams };
}

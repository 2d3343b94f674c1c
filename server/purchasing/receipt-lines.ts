import { ValidationError, type FieldError } from '#server/core/errors.ts';

export interface StoredLine {
  sku: string;
  quantity_received: number;
}

export interface ReceiptLine<S extends StoredLine> {
  line: { sku: string; quantity: number };
  /** Its place in the request, for errors (`lines.N.…`). */
  index: number;
  stored: S;
}

/**
 * Checks a receipt's lines against the document's (each SKU on it, once, never more than still
 * expected; every error names its `lines.N.…`) and returns them in SKU order, the order every
 * stock command locks levels in.
 */
export function checkReceiptLines<S extends StoredLine>(
  requested: readonly { sku: string; quantity: number }[],
  stored: ReadonlyMap<string, S>,
  expected: { total: (line: S) => number; units: string; document: string },
): ReceiptLine<S>[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  requested.forEach((line, i) => {
    const have = stored.get(line.sku);
    if (!have) return errors.push({ path: `lines.${i}.sku`, message: `is not on ${expected.document}` });
    if (seen.has(line.sku)) return errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is on an earlier line already` });
    seen.add(line.sku);
    const total = expected.total(have);
    const open = total - have.quantity_received;
    if (line.quantity > open) errors.push({ path: `lines.${i}.quantity`, message: `only ${open} of the ${total} ${expected.units} of ${line.sku} are still expected` });
    return undefined;
  });
  if (errors.length > 0) throw new ValidationError(errors);
  return requested
    .map((line, index) => ({ line, index, stored: stored.get(line.sku)! }))
    .sort((a, b) => (a.line.sku < b.line.sku ? -1 : a.line.sku > b.line.sku ? 1 : 0));
}

import type { Return as ReturnSchema } from '#server/returns/returns.schemas.ts';
import type { z } from 'zod';
import type { Order, Product } from '../api/types.ts';

// The desk's RMA, from its schema rather than from the desk's runes module: this file stays pure.
type Rma = z.infer<typeof ReturnSchema>;

/**
 * What the received units of an RMA will be paid back, as server/returns/return-value.ts counts
 * it: each line's price after its discount share, with its tax, prorated by units and rounded
 * down cumulatively against the units earlier resolved RMAs of the order paid back.
 */
export function returnedValueCents(order: Order, rma: Rma, others: readonly Rma[]): number {
  let total = 0;
  for (const line of rma.lines) {
    const ordered = order.lines.find((candidate) => candidate.sku === line.sku);
    if (!ordered || ordered.quantity === 0) continue;
    const net = ordered.unitPriceCents * ordered.quantity - ordered.discountCents + ordered.taxCents;
    const already = others
      .filter((other) => other.id !== rma.id && other.status === 'resolved')
      .flatMap((other) => other.lines)
      .filter((earlier) => earlier.sku === line.sku)
      .reduce((n, earlier) => n + earlier.receivedQuantity, 0);
    const upTo = (units: number) => Math.floor((net * units) / ordered.quantity);
    total += upTo(already + line.receivedQuantity) - upTo(already);
  }
  return total;
}

export interface ReplacementLine {
  sku: string;
  quantity: number;
}

/** The replacements at list price (before the new order's promotions, tax and shipping); null until every SKU is known. */
export function replacementCents(lines: readonly ReplacementLine[], products: Readonly<Record<string, Product | null | undefined>>): number | null {
  let total = 0;
  for (const line of lines) {
    const product = products[line.sku.trim()];
    if (!product) return null;
    total += product.priceCents * line.quantity;
  }
  return total;
}

/** The lines to send: trimmed SKUs, positive quantities (the server refuses the rest, naming the field). */
export function exchangeLines(lines: readonly ReplacementLine[]): ReplacementLine[] {
  return lines.map((line) => ({ sku: line.sku.trim(), quantity: line.quantity })).filter((line) => line.sku !== '');
}

/** An Idempotency-Key for one exchange attempt (crypto.randomUUID needs a secure context; this does not). */
export function attemptKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `exchange-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

import { describe, expect, it } from 'vitest';
import type { Order, Product } from '../../../web/lib/api/types.ts';
import { attemptKey, exchangeLines, replacementCents, returnedValueCents } from '../../../web/lib/returns/exchange-value.ts';

// The returns desk's RMA type, without importing its runes module into the type-check.
type Rma = Parameters<typeof returnedValueCents>[1];
type OrderLine = { sku: string; quantity: number; unitPriceCents: number; discountCents: number; taxCents: number };

/** Only what the estimate reads of an order and its RMAs. */
const orderWith = (lines: OrderLine[]) => ({ lines }) as unknown as Order;
const rmaOf = (id: string, status: Rma['status'], lines: { sku: string; receivedQuantity: number }[]) => ({ id, status, lines }) as unknown as Rma;
const product = (sku: string, priceCents: number) => ({ sku, priceCents }) as unknown as Product;

describe('returnedValueCents (what the received units are paid back)', () => {
  // 3 × 1,000 ¢, 300 ¢ discount, 270 ¢ tax: 2,970 ¢ for the line, 990 ¢ a unit.
  const order = orderWith([
    { sku: 'TEE', quantity: 3, unitPriceCents: 1_000, discountCents: 300, taxCents: 270 },
    { sku: 'HAT', quantity: 1, unitPriceCents: 2_500, discountCents: 0, taxCents: 200 },
  ]);

  it('pays each line its price after discount, with its tax, prorated by the units received', () => {
    const rma = rmaOf('r1', 'received', [{ sku: 'TEE', receivedQuantity: 2 }, { sku: 'HAT', receivedQuantity: 1 }]);
    expect(returnedValueCents(order, rma, [rma])).toBe(1_980 + 2_700);
  });

  it('rounds down cumulatively: three single-unit returns add up to the whole line, never more', () => {
    const odd = orderWith([{ sku: 'MUG', quantity: 3, unitPriceCents: 1_000, discountCents: 0, taxCents: 1 }]); // 3,001 ¢
    const first = rmaOf('a', 'resolved', [{ sku: 'MUG', receivedQuantity: 1 }]);
    const second = rmaOf('b', 'resolved', [{ sku: 'MUG', receivedQuantity: 1 }]);
    const third = rmaOf('c', 'received', [{ sku: 'MUG', receivedQuantity: 1 }]);
    expect(returnedValueCents(odd, first, [])).toBe(1_000);
    expect(returnedValueCents(odd, second, [first])).toBe(1_000);
    expect(returnedValueCents(odd, third, [first, second, third])).toBe(1_001);
  });

  it('counts only resolved earlier RMAs, never the RMA itself', () => {
    const odd = orderWith([{ sku: 'MUG', quantity: 3, unitPriceCents: 1_000, discountCents: 0, taxCents: 1 }]);
    const pending = rmaOf('p', 'received', [{ sku: 'MUG', receivedQuantity: 2 }]);
    const current = rmaOf('c', 'resolved', [{ sku: 'MUG', receivedQuantity: 1 }]);
    // The other RMA is not resolved and the current one is skipped although resolved: as if first.
    expect(returnedValueCents(odd, current, [pending, current])).toBe(1_000);
  });

  it('ignores lines the order does not have and lines of nothing ordered', () => {
    const zero = orderWith([{ sku: 'GIFT', quantity: 0, unitPriceCents: 0, discountCents: 0, taxCents: 0 }]);
    expect(returnedValueCents(zero, rmaOf('r', 'received', [{ sku: 'GIFT', receivedQuantity: 1 }, { sku: 'NOPE', receivedQuantity: 4 }]), [])).toBe(0);
  });

  it('is 0 while nothing has been received', () => {
    expect(returnedValueCents(order, rmaOf('r', 'authorized', [{ sku: 'TEE', receivedQuantity: 0 }]), [])).toBe(0);
  });
});

describe('replacementCents (the replacements at list price)', () => {
  const products = { TEE: product('TEE', 1_500), HAT: product('HAT', 2_500), GONE: null };

  it('adds list price × quantity, trimming the typed SKUs', () => {
    expect(replacementCents([{ sku: ' TEE ', quantity: 2 }, { sku: 'HAT', quantity: 1 }], products)).toBe(5_500);
  });

  it('is null until every SKU is known (unknown or not found)', () => {
    expect(replacementCents([{ sku: 'TEE', quantity: 1 }, { sku: 'SOCK', quantity: 1 }], products)).toBeNull();
    expect(replacementCents([{ sku: 'GONE', quantity: 1 }], products)).toBeNull();
  });

  it('is 0 for no lines', () => {
    expect(replacementCents([], products)).toBe(0);
  });
});

describe('exchangeLines (the lines to send)', () => {
  it('trims SKUs and drops blank rows, leaving quantities for the server to judge', () => {
    expect(exchangeLines([{ sku: ' TEE', quantity: 2 }, { sku: '   ', quantity: 1 }, { sku: 'HAT', quantity: 0 }])).toEqual([
      { sku: 'TEE', quantity: 2 },
      { sku: 'HAT', quantity: 0 },
    ]);
  });
});

describe('attemptKey (an Idempotency-Key per exchange attempt)', () => {
  it('is "exchange-" and 32 hex digits, new every time', () => {
    const keys = new Set(Array.from({ length: 20 }, () => attemptKey()));
    expect(keys.size).toBe(20);
    for (const key of keys) expect(key).toMatch(/^exchange-[0-9a-f]{32}$/);
  });
});

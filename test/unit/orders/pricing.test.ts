import { describe, expect, it } from 'vitest';
import { priceOrder, shippingFee, type PricedProduct, type PricingInput, type Promotion, type ShippingRate } from '#server/orders/pricing.ts';
import { seededRandom } from '../support/seeded-random.ts';

function product(overrides: Partial<PricedProduct> = {}): PricedProduct {
  return { sku: 'SKU-1', category: 'misc', priceCents: 1000, weightGrams: 100, ...overrides };
}

let promotionSeq = 0;
function promotion(overrides: Partial<Promotion> & Pick<Promotion, 'kind'>): Promotion {
  promotionSeq += 1;
  return {
    id: `promo-${promotionSeq}`,
    name: `Promotion ${promotionSeq}`,
    code: null,
    percentBp: null,
    amountCents: null,
    currency: null,
    sku: null,
    category: null,
    minSubtotalCents: 0,
    ...overrides,
  };
}

const standardRate: ShippingRate = { baseCents: 599, perKgCents: 150, freeOverCents: null };

function pricingInput(overrides: Partial<PricingInput> = {}): PricingInput {
  return { currency: 'USD', lines: [], promotions: [], taxRatePpm: 62_500, shippingRate: standardRate, ...overrides };
}

// Two tees (3998) and a mug (1250): subtotal 5248 cents, 900 g.
const tee = product({ sku: 'TEE-001', category: 'apparel', priceCents: 1999, weightGrams: 250 });
const mug = product({ sku: 'MUG-001', category: 'kitchen', priceCents: 1250, weightGrams: 400 });
const basket = [
  { product: tee, quantity: 2 },
  { product: mug, quantity: 1 },
];

describe('priceOrder without promotions', () => {
  it('charges the goods, tax per line on them and the base shipping fee', () => {
    const priced = priceOrder(pricingInput({ lines: basket }));

    expect(priced.lines).toEqual([
      // 3998 × 6.25% = 249.875 → 250; 1250 × 6.25% = 78.125 → 78
      { sku: 'TEE-001', quantity: 2, unitPriceCents: 1999, discountCents: 0, taxCents: 250 },
      { sku: 'MUG-001', quantity: 1, unitPriceCents: 1250, discountCents: 0, taxCents: 78 },
    ]);
    expect(priced).toMatchObject({ subtotalCents: 5248, discountCents: 0, taxCents: 328, shippingCents: 599, totalCents: 6175 });
    expect(priced.appliedPromotions).toEqual([]);
  });
});

describe('priceOrder with line promotions', () => {
  it('takes a sku promotion off that sku only', () => {
    const tenPercentOffTees = promotion({ kind: 'line_percent', percentBp: 1000, sku: 'TEE-001', name: 'Tees 10%' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [tenPercentOffTees] }));

    // 3998 × 10% = 399.8 → 400; tax on 3598 = 224.875 → 225
    expect(priced.lines.map((l) => [l.sku, l.discountCents, l.taxCents])).toEqual([
      ['TEE-001', 400, 225],
      ['MUG-001', 0, 78],
    ]);
    expect(priced).toMatchObject({ subtotalCents: 5248, discountCents: 400, taxCents: 303, shippingCents: 599, totalCents: 5750 });
    expect(priced.appliedPromotions).toEqual([{ id: tenPercentOffTees.id, name: 'Tees 10%', discountCents: 400 }]);
  });

  it('takes a category promotion off every line of that category', () => {
    const apparel = promotion({ kind: 'line_percent', percentBp: 1500, category: 'apparel' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [apparel] }));

    // 3998 × 15% = 599.7 → 600; tax on 3398 = 212.375 → 212
    expect(priced.lines.map((l) => [l.sku, l.discountCents, l.taxCents])).toEqual([
      ['TEE-001', 600, 212],
      ['MUG-001', 0, 78],
    ]);
  });

  it('applies only the best line promotion to a line, never both', () => {
    const bySku = promotion({ kind: 'line_percent', percentBp: 1000, sku: 'TEE-001' });
    const byCategory = promotion({ kind: 'line_percent', percentBp: 1500, category: 'apparel' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [bySku, byCategory] }));

    expect(priced.lines[0]!.discountCents).toBe(600); // 15%, not 10% + 15% = 1000
    expect(priced.appliedPromotions.map((p) => p.id)).toEqual([byCategory.id]);
  });

  it('prefers the sku promotion when it is the larger one', () => {
    const bySku = promotion({ kind: 'line_percent', percentBp: 2000, sku: 'TEE-001' });
    const byCategory = promotion({ kind: 'line_percent', percentBp: 1500, category: 'apparel' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [byCategory, bySku] }));

    expect(priced.lines[0]!.discountCents).toBe(800); // 3998 × 20% = 799.6 → 800
    expect(priced.appliedPromotions.map((p) => p.id)).toEqual([bySku.id]);
  });

  it('ignores a line promotion that targets another sku or category', () => {
    const other = promotion({ kind: 'line_percent', percentBp: 5000, sku: 'HAT-001' });
    const otherCategory = promotion({ kind: 'line_percent', percentBp: 5000, category: 'garden' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [other, otherCategory] }));

    expect(priced.discountCents).toBe(0);
    expect(priced.appliedPromotions).toEqual([]);
  });

  it('does not apply a line promotion whose minimum subtotal the order does not reach', () => {
    const bigBasketOnly = promotion({ kind: 'line_percent', percentBp: 1000, sku: 'TEE-001', minSubtotalCents: 10_000 });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [bigBasketOnly] }));

    expect(priced.discountCents).toBe(0);
    expect(priced.appliedPromotions).toEqual([]);
  });
});

describe('priceOrder with order promotions', () => {
  it('takes an order percentage off what remains after line discounts and spreads it over the lines', () => {
    const tees = promotion({ kind: 'line_percent', percentBp: 1000, sku: 'TEE-001' });
    const order = promotion({ kind: 'order_percent', percentBp: 1000, minSubtotalCents: 5000 });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [tees, order] }));

    // After the tee discount: 3598 + 1250 = 4848; 10% = 484.8 → 485 (not 10% of 5248 = 525).
    // 485 spread over 3598 : 1250 → 359.95 and 125.05 → 360 and 125.
    expect(priced.lines.map((l) => [l.sku, l.discountCents, l.taxCents])).toEqual([
      ['TEE-001', 400 + 360, 202], // tax on 3238 = 202.375
      ['MUG-001', 125, 70], // tax on 1125 = 70.3125
    ]);
    expect(priced).toMatchObject({ subtotalCents: 5248, discountCents: 885, taxCents: 272, shippingCents: 599, totalCents: 5234 });
    expect(priced.appliedPromotions).toEqual([
      { id: tees.id, name: tees.name, discountCents: 400 },
      { id: order.id, name: order.name, discountCents: 485 },
    ]);
  });

  it('does not apply an order percentage below its minimum subtotal', () => {
    const order = promotion({ kind: 'order_percent', percentBp: 1000, minSubtotalCents: 5249 });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [order] }));

    expect(priced.discountCents).toBe(0);
    expect(priced.appliedPromotions).toEqual([]);
  });

  it('applies an order percentage when the subtotal equals its minimum', () => {
    const order = promotion({ kind: 'order_percent', percentBp: 1000, minSubtotalCents: 5248 });
    expect(priceOrder(pricingInput({ lines: basket, promotions: [order] })).discountCents).toBe(525); // 524.8
  });

  it('takes a fixed amount in the order currency, spread over the lines', () => {
    const fiveOff = promotion({ kind: 'order_amount', amountCents: 500, currency: 'USD' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [fiveOff] }));

    // 500 over 3998 : 1250 → 380.91 and 119.09 → 381 and 119
    expect(priced.lines.map((l) => [l.sku, l.discountCents, l.taxCents])).toEqual([
      ['TEE-001', 381, 226], // tax on 3617 = 226.0625
      ['MUG-001', 119, 71], // tax on 1131 = 70.6875
    ]);
    expect(priced).toMatchObject({ discountCents: 500, taxCents: 297, totalCents: 5248 - 500 + 297 + 599 });
  });

  it('ignores a fixed amount in another currency', () => {
    const euroOff = promotion({ kind: 'order_amount', amountCents: 500, currency: 'EUR' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [euroOff] }));

    expect(priced.discountCents).toBe(0);
    expect(priced.appliedPromotions).toEqual([]);
  });

  it('never takes a fixed amount larger than the goods, so the goods cost zero and tax is zero', () => {
    const huge = promotion({ kind: 'order_amount', amountCents: 100_000, currency: 'USD' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [huge] }));

    expect(priced.lines.map((l) => l.discountCents)).toEqual([3998, 1250]);
    expect(priced).toMatchObject({ subtotalCents: 5248, discountCents: 5248, taxCents: 0, shippingCents: 599, totalCents: 599 });
    expect(priced.appliedPromotions[0]!.discountCents).toBe(5248);
  });

  it('never takes a fixed amount larger than what line discounts left', () => {
    const tees = promotion({ kind: 'line_percent', percentBp: 5000, sku: 'TEE-001' });
    const huge = promotion({ kind: 'order_amount', amountCents: 100_000, currency: 'USD' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [tees, huge] }));

    expect(priced.lines.map((l) => l.discountCents)).toEqual([3998, 1250]);
    expect(priced.discountCents).toBe(priced.subtotalCents);
  });

  it('applies only the best order promotion', () => {
    const tenPercent = promotion({ kind: 'order_percent', percentBp: 1000 }); // 525
    const sixDollars = promotion({ kind: 'order_amount', amountCents: 600, currency: 'USD' });
    const priced = priceOrder(pricingInput({ lines: basket, promotions: [tenPercent, sixDollars] }));

    expect(priced.discountCents).toBe(600);
    expect(priced.appliedPromotions.map((p) => p.id)).toEqual([sixDollars.id]);
  });

  it('spreads an order discount over equal lines so the parts sum exactly', () => {
    const lines = ['A', 'B', 'C'].map((sku) => ({ product: product({ sku, priceCents: 1000 }), quantity: 1 }));
    const oneDollar = promotion({ kind: 'order_amount', amountCents: 100, currency: 'USD' });
    const priced = priceOrder(pricingInput({ lines, promotions: [oneDollar] }));

    expect(priced.lines.map((l) => l.discountCents)).toEqual([34, 33, 33]);
    expect(priced.discountCents).toBe(100);
  });
});

describe('priceOrder tax', () => {
  it('rounds tax per line, on the discounted goods', () => {
    // Three 10-cent lines at 5%: 0.5 each rounds to 1, so 3 in all (2 if rounded once on the order).
    const lines = ['A', 'B', 'C'].map((sku) => ({ product: product({ sku, priceCents: 10 }), quantity: 1 }));
    const priced = priceOrder(pricingInput({ lines, taxRatePpm: 50_000 }));

    expect(priced.lines.map((l) => l.taxCents)).toEqual([1, 1, 1]);
    expect(priced.taxCents).toBe(3);
  });

  it('charges no tax at a zero rate', () => {
    expect(priceOrder(pricingInput({ lines: basket, taxRatePpm: 0 })).taxCents).toBe(0);
  });
});

describe('priceOrder shipping', () => {
  const rate: ShippingRate = { baseCents: 500, perKgCents: 200, freeOverCents: null };
  const shipped = (weightGrams: number, quantity = 1) =>
    priceOrder(pricingInput({ lines: [{ product: product({ weightGrams }), quantity }], shippingRate: rate })).shippingCents;

  it('charges the base fee up to the first kilogram', () => {
    expect(shipped(999)).toBe(500);
    expect(shipped(1000)).toBe(500);
  });

  it('adds the per-kg fee for each started kilogram past the first', () => {
    expect(shipped(1001)).toBe(700);
    expect(shipped(1000, 2)).toBe(700); // 2000 g
    expect(shipped(2001)).toBe(900);
  });

  it('ships free when the discounted goods reach the threshold', () => {
    const freeOver50: ShippingRate = { ...standardRate, freeOverCents: 5000 };
    expect(priceOrder(pricingInput({ lines: basket, shippingRate: freeOver50 })).shippingCents).toBe(0);
  });

  it('charges shipping when a discount takes the goods below the free threshold', () => {
    const freeOver50: ShippingRate = { ...standardRate, freeOverCents: 5000 };
    const tenPercent = promotion({ kind: 'order_percent', percentBp: 1000 }); // 5248 - 525 = 4723
    expect(priceOrder(pricingInput({ lines: basket, shippingRate: freeOver50, promotions: [tenPercent] })).shippingCents).toBe(599);
  });

  it('charges nothing for pickup (no shipping rate), however heavy', () => {
    const heavy = [{ product: product({ weightGrams: 50_000 }), quantity: 3 }];
    expect(priceOrder(pricingInput({ lines: heavy, shippingRate: null })).shippingCents).toBe(0);
  });
});

describe('shippingFee', () => {
  const rate: ShippingRate = { baseCents: 500, perKgCents: 200, freeOverCents: 10_000 };

  it('charges base for 0 to 1000 g and one per-kg fee per started kilogram after', () => {
    expect([0, 1, 999, 1000, 1001, 2000, 2001, 10_000].map((g) => shippingFee(rate, g, 0))).toEqual([500, 500, 500, 500, 700, 700, 900, 2300]);
  });

  it('is free from the threshold up and charged just below it', () => {
    expect(shippingFee(rate, 5000, 9_999)).toBe(1300);
    expect(shippingFee(rate, 5000, 10_000)).toBe(0);
    expect(shippingFee(rate, 5000, 10_001)).toBe(0);
  });

  it('is never free without a threshold', () => {
    expect(shippingFee({ ...rate, freeOverCents: null }, 500, 10_000_000)).toBe(500);
  });
});

describe('priceOrder invariants', () => {
  it('always has total = subtotal - discount + tax + shipping, with line figures that add up', () => {
    const random = seededRandom(1234);
    const categories = ['apparel', 'kitchen', 'garden'];
    const violations: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const lines = Array.from({ length: random.int(1, 6) }, (_, n) => ({
        product: product({
          sku: `SKU-${n}`,
          category: categories[random.int(0, 2)]!,
          priceCents: random.int(1, 50_000),
          weightGrams: random.int(0, 5_000),
        }),
        quantity: random.int(1, 20),
      }));
      const promotions = [
        promotion({ kind: 'line_percent', percentBp: random.int(1, 10_000), sku: `SKU-${random.int(0, 5)}` }),
        promotion({ kind: 'line_percent', percentBp: random.int(1, 10_000), category: categories[random.int(0, 2)]! }),
        promotion({ kind: 'order_percent', percentBp: random.int(1, 10_000), minSubtotalCents: random.int(0, 100_000) }),
        promotion({ kind: 'order_amount', amountCents: random.int(1, 200_000), currency: random.next() < 0.8 ? 'USD' : 'EUR' }),
      ].filter(() => random.next() < 0.6);
      const shippingRate = random.next() < 0.2 ? null : { baseCents: random.int(0, 1000), perKgCents: random.int(0, 500), freeOverCents: random.next() < 0.5 ? null : random.int(0, 200_000) };
      const input = pricingInput({ lines, promotions, taxRatePpm: random.int(0, 250_000), shippingRate });
      const priced = priceOrder(input);

      const sum = (values: number[]) => values.reduce((acc, v) => acc + v, 0);
      const gross = lines.map((l) => l.product.priceCents * l.quantity);
      const problems = [
        priced.totalCents !== priced.subtotalCents - priced.discountCents + priced.taxCents + priced.shippingCents && 'total identity',
        priced.subtotalCents !== sum(gross) && 'subtotal',
        priced.discountCents !== sum(priced.lines.map((l) => l.discountCents)) && 'discount sum',
        priced.taxCents !== sum(priced.lines.map((l) => l.taxCents)) && 'tax sum',
        priced.discountCents !== sum(priced.appliedPromotions.map((p) => p.discountCents)) && 'applied promotions sum',
        priced.lines.some((l, n) => l.discountCents < 0 || l.discountCents > gross[n]!) && 'line discount out of range',
        priced.lines.some((l) => l.taxCents < 0) && 'negative tax',
      ].filter(Boolean);
      if (problems.length > 0) violations.push(`${problems.join(', ')}: ${JSON.stringify(input)}`);
    }
    expect(violations).toEqual([]);
  });
});

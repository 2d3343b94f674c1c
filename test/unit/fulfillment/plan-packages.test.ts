import { describe, expect, it } from 'vitest';
import { planPackages, type Packaging, type PackUnit } from '#server/fulfillment/plan-packages.ts';

/** The packaging types migration 0006 seeds. */
const seeded: Packaging[] = [
  { code: 'MAILER-S', innerLengthMm: 250, innerWidthMm: 350, innerHeightMm: 50, maxWeightGrams: 1000, tareGrams: 20, costCents: 25 },
  { code: 'BOX-S', innerLengthMm: 200, innerWidthMm: 150, innerHeightMm: 100, maxWeightGrams: 2000, tareGrams: 150, costCents: 60 },
  { code: 'BOX-M', innerLengthMm: 350, innerWidthMm: 250, innerHeightMm: 150, maxWeightGrams: 10000, tareGrams: 300, costCents: 110 },
  { code: 'BOX-L', innerLengthMm: 500, innerWidthMm: 400, innerHeightMm: 300, maxWeightGrams: 20000, tareGrams: 600, costCents: 180 },
  { code: 'BOX-XL', innerLengthMm: 600, innerWidthMm: 500, innerHeightMm: 500, maxWeightGrams: 30000, tareGrams: 900, costCents: 260 },
];

const unit = (overrides: Partial<PackUnit>): PackUnit => ({ lineId: 'l1', sku: 'TEE', quantity: 1, unitWeightGrams: 250, dimensionsMm: [300, 200, 20], ...overrides });

describe('choosing packaging', () => {
  it('one T-shirt goes in the small mailer, weighed with its tare', () => {
    const plan = planPackages([unit({})], seeded);
    expect(plan).toEqual({ ok: true, packages: [{ packaging: seeded[0], contents: [{ lineId: 'l1', sku: 'TEE', quantity: 1 }], weightGrams: 270 }] });
  });

  it('takes the smallest type whose sides, volume and weight hold everything', () => {
    const plan = planPackages([unit({ quantity: 3 }), unit({ lineId: 'l2', sku: 'MUG', unitWeightGrams: 400, dimensionsMm: [120, 90, 100] })], seeded);
    expect(plan.ok && plan.packages.map((p) => [p.packaging.code, p.weightGrams])).toEqual([['BOX-M', 3 * 250 + 400 + 300]]);
  });

  it('splits a bulk order over several boxes when one cannot hold it, each box as small as its contents allow', () => {
    const plan = planPackages([unit({ sku: 'MUG', quantity: 200, unitWeightGrams: 400, dimensionsMm: [120, 90, 100] })], seeded);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.packages.reduce((n, p) => n + p.contents[0]!.quantity, 0)).toBe(200);
    expect(plan.packages.length).toBeGreaterThanOrEqual(3);
    for (const p of plan.packages) expect(p.weightGrams - p.packaging.tareGrams).toBeLessThanOrEqual(p.packaging.maxWeightGrams);
  });

  it('counts units of unknown size by weight only, and refuses a unit no type can take', () => {
    // BOX-S (3.0 l) is smaller than the mailer (4.4 l): by volume, as the rule says.
    expect(planPackages([unit({ dimensionsMm: null, quantity: 2 })], seeded)).toMatchObject({ ok: true, packages: [{ packaging: { code: 'BOX-S' } }] });
    expect(planPackages([unit({ sku: 'SOFA', dimensionsMm: [2000, 900, 800] })], seeded)).toEqual({ ok: false, sku: 'SOFA', reason: 'fits no active packaging' });
  });
});

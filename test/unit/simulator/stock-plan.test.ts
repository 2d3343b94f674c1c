import { describe, expect, it } from 'vitest';
import { createBusiness } from '#server/simulator/business.ts';
import { ordersBetween } from '#server/simulator/daily-orders.ts';
import { quietScenario } from '#server/simulator/scenario.ts';
import { dailyUnitsBySku, initialStock, restockReceipts } from '#server/simulator/stock-plan.ts';

const business = createBusiness(41);
const orders = [...ordersBetween(business, quietScenario('2026-04-01', '2026-04-15'), '2026-04-01', '2026-04-15', 41)].flatMap((d) => d.orders);
const dailyUnits = dailyUnitsBySku(orders, 14);

describe('initialStock: opening inventory from expected demand', () => {
  it('stocks every SKU somewhere, drop-shipped products only at their vendor', () => {
    const levels = initialStock(business, dailyUnits);
    for (const product of business.products) {
      const at = levels.filter((l) => l.sku === product.sku);
      expect(at.length).toBeGreaterThan(0);
      if (product.dropshipVendorCode) expect(at.map((l) => l.locationCode)).toEqual([product.dropshipVendorCode]);
      else expect(at.map((l) => l.locationCode)).not.toContain(business.dropshipVendorCode);
    }
    expect(levels.every((l) => Number.isInteger(l.onHand) && l.onHand > 0)).toBe(true);
  });

  it('holds about the designed cover of the network’s demand in warehouses and the 3PL', () => {
    const levels = initialStock(business, dailyUnits, { coverDays: 30, storeCoverDays: 7 });
    const centres = new Set(business.locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl').map((l) => l.code));
    const held = levels.filter((l) => centres.has(l.locationCode)).reduce((n, l) => n + l.onHand, 0);
    const demand = business.products.filter((p) => !p.dropshipVendorCode).reduce((n, p) => n + (dailyUnits.get(p.sku) ?? 0), 0);
    expect(held / demand).toBeGreaterThan(30);
    expect(held / demand).toBeLessThan(33);
  });
});

describe('restockReceipts: a reorder-point policy', () => {
  it('orders back up to cover when stock falls below the reorder point, and leaves the rest alone', () => {
    const daily = new Map([['A', 10], ['B', 10]]);
    const share = new Map([['WH', 0.5]]);
    const receipts = restockReceipts([{ sku: 'A', locationCode: 'WH', onHand: 20 }, { sku: 'B', locationCode: 'WH', onHand: 60 }], share, daily, 7, 21);
    expect(receipts).toEqual([{ sku: 'A', locationCode: 'WH', onHand: 85 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { assessStock, stockOutRisk, type StockRow } from '#server/alerts/rules/stock-out-risk.ts';

const t = stockOutRisk.thresholds.parse({});
const now = new Date('2026-04-01T12:00:00Z');
const row: StockRow = {
  sku: 'APP-0001',
  location_id: '00000000-0000-4000-8000-000000000001',
  location_code: 'WH-EDISON',
  on_hand: 30,
  reserved: 10,
  lead_time_days: 7,
  supplier_id: null,
  inbound: 0,
  inbound_within_lead: 0,
  next_inbound_at: null,
  forecast_demand: null,
  forecast_run_id: null,
  recent_units: 56,
  backordered_units: 0,
  backordered_orders: null,
};

describe('assessStock', () => {
  it('holds available + inbound due within the lead time against its demand (recent orders without a forecast)', () => {
    // 2 a day over 7 days = 14 against 20 available.
    expect(assessStock(row, t, now, false)).toMatchObject({ available: 20, demandSource: 'recent_orders', demandOverLeadTime: 14, dailyDemand: 2, shortUnits: 0, atRisk: false });
    // A forecast of 26 over the lead time: 6 short (at least the 5 units and the day of demand that raise).
    expect(assessStock({ ...row, forecast_demand: 26 }, t, now, false)).toMatchObject({ demandSource: 'forecast', shortUnits: 6, atRisk: true });
    // 4 short is the reorder policy at work.
    expect(assessStock({ ...row, forecast_demand: 24 }, t, now, false)).toMatchObject({ shortUnits: 4, atRisk: false });
    // Inbound due within the lead time covers it; inbound due later does not count.
    expect(assessStock({ ...row, forecast_demand: 26, inbound: 10, inbound_within_lead: 10, next_inbound_at: new Date('2026-04-03T12:00:00Z') }, t, now, false).atRisk).toBe(false);
  });

  it('stock must last until the next arrival, whatever comes later', () => {
    // 20 available, 2 a day for the 4 days until the PO: 8, fine; 2 available is not.
    const arriving = { ...row, inbound: 100, inbound_within_lead: 100, next_inbound_at: new Date('2026-04-05T12:00:00Z') };
    expect(assessStock(arriving, t, now, false).atRisk).toBe(false);
    expect(assessStock({ ...arriving, on_hand: 12 }, t, now, false)).toMatchObject({ available: 2, shortUnits: 6, atRisk: true });
  });

  it('a live alert holds until the demand is covered with the 10% margin; the same figures would not raise it', () => {
    const exact = { ...row, on_hand: 24 };
    expect(assessStock(exact, t, now, false)).toMatchObject({ available: 14, shortUnits: 0, atRisk: false });
    expect(assessStock(exact, t, now, true).atRisk).toBe(true);
    expect(assessStock({ ...row, on_hand: 26 }, t, now, true).atRisk).toBe(false);
  });

  it('zero available with backorders waiting is at risk where the SKU sells, not at a location that never sells it', () => {
    const out = { ...row, on_hand: 0, reserved: 0, backordered_units: 3, inbound: 50, inbound_within_lead: 50, next_inbound_at: new Date('2026-04-01T18:00:00Z') };
    expect(assessStock(out, t, now, false)).toMatchObject({ waiting: true, atRisk: true });
    expect(assessStock({ ...out, recent_units: 0 }, t, now, false)).toMatchObject({ waiting: false, atRisk: false });
  });

  it('a gap shorter than a day of demand before a receipt is no alert', () => {
    // 10 a day, none available, the purchase order lands in 6 hours: 2.5 units short, a quarter of a day.
    const gap = { ...row, on_hand: 10, reserved: 10, recent_units: 280, inbound: 500, inbound_within_lead: 500, next_inbound_at: new Date('2026-04-01T18:00:00Z') };
    expect(assessStock(gap, t, now, false)).toMatchObject({ shortUnits: 2.5, atRisk: false });
    expect(assessStock(gap, { ...t, minShortDays: 0, minShortUnits: 1 }, now, false).atRisk).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { PlaceOrderInput } from '#server/orders/order.schemas.ts';
import { createBusiness } from '#server/simulator/business.ts';
import { dailyOrders, ordersBetween, placeOrderBody, type SimulatedOrder } from '#server/simulator/daily-orders.ts';
import { defaultDemandModel } from '#server/simulator/demand-model.ts';
import { DECLINE_RATE } from '#server/simulator/order-fate.ts';
import { createScenario } from '#server/simulator/scenario.ts';

const business = createBusiness(21);
const scenario = createScenario(business, '2026-06-01', '2026-09-01', 21);
const locationIds = new Map(business.locations.map((l, i) => [l.code, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]));

function history(from: string, to: string): SimulatedOrder[] {
  return [...ordersBetween(business, scenario, from, to, 21)].flatMap((d) => d.orders);
}

describe('dailyOrders: one day of orders from a seed', () => {
  it('generates the identical orders for the same seed and day, and different ones for another seed', () => {
    const a = dailyOrders(business, scenario, '2026-07-14', 21);
    expect(a.length).toBeGreaterThan(100);
    expect(dailyOrders(business, scenario, '2026-07-14', 21)).toEqual(a);
    expect(dailyOrders(business, scenario, '2026-07-14', 22).map((o) => o.draft)).not.toEqual(a.map((o) => o.draft));
  });

  it('gives a day the same orders whether generated alone or inside a range', () => {
    const inRange = [...ordersBetween(business, scenario, '2026-07-12', '2026-07-16', 21)].find((d) => d.day === '2026-07-14')!;
    expect(inRange.orders).toEqual(dailyOrders(business, scenario, '2026-07-14', 21));
  });

  it('places every order inside its day, in time order, under a unique key', () => {
    const orders = dailyOrders(business, scenario, '2026-07-14', 21);
    expect(orders.every((o) => o.placedAt.startsWith('2026-07-14T'))).toBe(true);
    expect(orders.map((o) => o.placedAt)).toEqual(orders.map((o) => o.placedAt).toSorted());
    expect(new Set(orders.map((o) => o.key)).size).toBe(orders.length);
  });

  it('produces bodies that pass Tower’s own PlaceOrderInput schema, on every channel', () => {
    // July holds the summer sale, so some orders carry a promotion code.
    const orders = history('2026-07-01', '2026-07-22');
    expect(new Set(orders.map((o) => o.draft.channel))).toEqual(new Set(['web', 'store', 'marketplace', 'phone', 'b2b']));
    for (const order of orders) {
      const parsed = PlaceOrderInput.safeParse(placeOrderBody(order, locationIds));
      expect(parsed.error, order.key).toBeUndefined();
    }
    expect(orders.some((o) => o.draft.delivery.method === 'pickup')).toBe(true);
    expect(orders.some((o) => o.draft.payment.method === 'invoice')).toBe(true);
    expect(orders.some((o) => o.draft.promotionCode !== undefined)).toBe(true);
  });

  it('sends pickups to stores only, and never with a drop-shipped product', () => {
    const dropshipped = new Set(business.products.filter((p) => p.dropshipVendorCode).map((p) => p.sku));
    const stores = new Set(business.locations.filter((l) => l.kind === 'store').map((l) => l.code));
    for (const o of history('2026-06-01', '2026-06-15')) {
      if (o.draft.delivery.method !== 'pickup') continue;
      expect(stores.has(o.draft.delivery.pickupLocationCode)).toBe(true);
      expect(o.draft.lines.some((l) => dropshipped.has(l.sku))).toBe(false);
    }
    expect(() => placeOrderBody(history('2026-06-01', '2026-06-02').find((o) => o.draft.delivery.method === 'pickup')!, new Map())).toThrow(/no location id/);
  });
});

describe('order fates: declines, cancellations and returns', () => {
  const orders = history('2026-06-01', '2026-09-01');

  it('declines about 2% of card payments with tok_declined, and nothing else', () => {
    const card = orders.filter((o) => o.draft.payment.method === 'card');
    const declined = card.filter((o) => o.draft.payment.method === 'card' && o.draft.payment.token === 'tok_declined');
    expect(declined.length / card.length).toBeGreaterThan(DECLINE_RATE - 0.004);
    expect(declined.length / card.length).toBeLessThan(DECLINE_RATE + 0.004);
    expect(declined.every((o) => o.fate.declined && o.fate.return === null && o.fate.cancelAfterMinutes === null)).toBe(true);
    expect(orders.filter((o) => o.fate.declined)).toHaveLength(declined.length);
  });

  it('cancels a few percent of orders within a day, and never returns a cancelled one', () => {
    const cancelled = orders.filter((o) => o.fate.cancelAfterMinutes !== null);
    expect(cancelled.length / orders.length).toBeGreaterThan(0.015);
    expect(cancelled.length / orders.length).toBeLessThan(0.04);
    expect(cancelled.every((o) => o.fate.return === null && o.fate.cancelAfterMinutes! >= 2 && o.fate.cancelAfterMinutes! <= 1440)).toBe(true);
  });

  it('returns a consumer’s units at each category’s designed rate, within the return window, only units that were bought', () => {
    const category = new Map(business.products.map((p) => [p.sku, p.category]));
    const sold = new Map<string, number>();
    const returned = new Map<string, number>();
    for (const o of orders) {
      if (o.fate.declined || o.fate.cancelAfterMinutes !== null || o.draft.channel === 'b2b') continue;
      for (const l of o.draft.lines) sold.set(category.get(l.sku)!, (sold.get(category.get(l.sku)!) ?? 0) + l.quantity);
      for (const r of o.fate.return?.lines ?? []) {
        expect(r.quantity).toBeLessThanOrEqual(o.draft.lines.find((l) => l.sku === r.sku)!.quantity);
        returned.set(category.get(r.sku)!, (returned.get(category.get(r.sku)!) ?? 0) + r.quantity);
      }
      if (o.fate.return) expect(o.fate.return.afterDeliveryDays).toBeGreaterThanOrEqual(1);
      if (o.fate.return) expect(o.fate.return.afterDeliveryDays).toBeLessThanOrEqual(28);
    }
    for (const spec of business.categories) {
      const rate = (returned.get(spec.name) ?? 0) / sold.get(spec.name)!;
      expect(Math.abs(rate - spec.returnRate), `${spec.name}: ${rate.toFixed(3)} vs ${spec.returnRate}`).toBeLessThan(Math.max(0.01, spec.returnRate * 0.1));
    }
  });

  it('sends a wholesale line back now and then, not a consumer’s share of every case', () => {
    const delivered = orders.filter((o) => o.draft.channel === 'b2b' && !o.fate.declined && o.fate.cancelAfterMinutes === null);
    const units = delivered.reduce((sum, o) => sum + o.draft.lines.reduce((s, l) => s + l.quantity, 0), 0);
    const returnedUnits = delivered.reduce((sum, o) => sum + (o.fate.return?.lines ?? []).reduce((s, l) => s + l.quantity, 0), 0);
    const returning = delivered.filter((o) => o.fate.return !== null).length;
    expect(delivered.length).toBeGreaterThan(200);
    // Per unit at consumer rates, 94 % of b2b orders sent cases back and 11 % of their units came back.
    expect(returning / delivered.length).toBeGreaterThan(0.03);
    expect(returning / delivered.length).toBeLessThan(0.25);
    expect(returnedUnits / units).toBeLessThan(0.04);
    const lineRate = (prefix: string) => {
      const lines = delivered.flatMap((o) => o.draft.lines.filter((l) => l.sku.startsWith(prefix)).map((l) => o.fate.return?.lines.some((r) => r.sku === l.sku) ?? false));
      return lines.filter(Boolean).length / lines.length;
    };
    expect(lineRate('APP-')).toBeGreaterThan(lineRate('ELE-'));
  });

  it('gives apparel returns mostly for size and fit, electronics mostly for defects', () => {
    const reasons = (prefix: string) => orders.flatMap((o) => o.fate.return?.lines ?? []).filter((l) => l.sku.startsWith(prefix)).map((l) => l.reason);
    const share = (xs: string[], reason: string) => xs.filter((x) => x === reason).length / xs.length;
    expect(share(reasons('APP-'), 'size_or_fit')).toBeGreaterThan(0.45);
    expect(share(reasons('ELE-'), 'defective')).toBeGreaterThan(0.35);
  });
});

describe('the demand model defaults', () => {
  it('has channel shares that sum to one and weekly and monthly factors that average one', () => {
    const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(Object.values(defaultDemandModel.channelShare))).toBeCloseTo(1, 9);
    for (const week of Object.values(defaultDemandModel.weekly)) expect(sum(week) / 7).toBeCloseTo(1, 9);
    expect(sum(defaultDemandModel.monthly) / 12).toBeCloseTo(1, 9);
  });
});

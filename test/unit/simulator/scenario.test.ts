import { describe, expect, it } from 'vitest';
import { CreatePromotionInput } from '#server/catalog/catalog.schemas.ts';
import { createBusiness } from '#server/simulator/business.ts';
import { activeDisruptions, carrierSlowdownOn } from '#server/simulator/disruptions.ts';
import { createScenario } from '#server/simulator/scenario.ts';

const business = createBusiness(11);

describe('createScenario: promotions, spikes and disruptions decided up front', () => {
  it('is the same schedule for the same seed and range, another for another seed', () => {
    expect(createScenario(business, '2026-01-01', '2027-01-01', 5)).toEqual(createScenario(business, '2026-01-01', '2027-01-01', 5));
    expect(createScenario(business, '2026-01-01', '2027-01-01', 6).disruptions).not.toEqual(createScenario(business, '2026-01-01', '2027-01-01', 5).disruptions);
  });

  it('has every kind of disruption within 90 days, each a window inside the range naming what it hits', () => {
    const scenario = createScenario(business, '2026-03-01', '2026-05-30', 5);
    expect(new Set(scenario.disruptions.map((d) => d.kind))).toEqual(new Set(['carrier_slowdown', 'capacity_loss', 'stock_out']));
    const codes = new Set(business.locations.map((l) => l.code));
    const skus = new Set(business.products.map((p) => p.sku));
    for (const d of scenario.disruptions) {
      expect(d.start >= scenario.from && d.start < scenario.to && d.end > d.start).toBe(true);
      if (d.kind === 'carrier_slowdown') expect(business.carriers.map((c) => c.code)).toContain(d.carrier);
      if (d.kind === 'capacity_loss') expect(codes.has(d.locationCode) && d.capacityFactor > 0 && d.capacityFactor < 1).toBe(true);
      if (d.kind === 'stock_out') expect(skus.has(d.sku) && (d.locationCode === null || codes.has(d.locationCode))).toBe(true);
    }
    expect(new Set(scenario.disruptions.map((d) => d.id)).size).toBe(scenario.disruptions.length);
  });

  it('answers which slowdown a parcel meets on a day, and which disruptions are active', () => {
    const scenario = createScenario(business, '2026-01-01', '2027-01-01', 5);
    const slowdown = scenario.disruptions.find((d) => d.kind === 'carrier_slowdown')!;
    if (slowdown.kind !== 'carrier_slowdown') throw new Error('unreachable');
    expect(carrierSlowdownOn(scenario.disruptions, slowdown.carrier, 'standard', slowdown.start)).toEqual({ lateShare: slowdown.lateShare, extraDays: slowdown.extraDays });
    expect(carrierSlowdownOn(scenario.disruptions, slowdown.carrier, 'standard', slowdown.end)).toBeUndefined();
    expect(activeDisruptions(scenario.disruptions, slowdown.start)).toContainEqual(slowdown);
  });

  it('runs the retail calendar (Black Friday through Cyber Monday) and flash sales, each a valid POST /api/promotions body', () => {
    const scenario = createScenario(business, '2026-01-01', '2027-01-01', 5);
    const blackFriday = scenario.promotions.find((p) => p.code === 'BLACKFRIDAY26')!;
    expect([blackFriday.start, blackFriday.end]).toEqual(['2026-11-27', '2026-12-01']);
    expect(scenario.promotions.filter((p) => p.code.startsWith('FLASH-')).length).toBeGreaterThanOrEqual(9);
    expect(new Set(scenario.promotions.map((p) => p.code)).size).toBe(scenario.promotions.length);
    for (const p of scenario.promotions) {
      const body = { name: p.name, code: p.code, kind: p.kind, percentBp: p.percentBp, ...(p.category ? { category: p.category } : {}), startsAt: `${p.start}T00:00:00Z`, endsAt: `${p.end}T00:00:00Z` };
      expect(CreatePromotionInput.safeParse(body).error).toBeUndefined();
    }
  });

  it('adds a few demand spikes, each lifting demand two- to threefold for a day or two', () => {
    const { spikes } = createScenario(business, '2026-01-01', '2027-01-01', 5);
    expect(spikes.length).toBeGreaterThanOrEqual(5);
    expect(spikes.length).toBeLessThanOrEqual(12);
    for (const s of spikes) expect(s.factor).toBeGreaterThanOrEqual(1.8);
  });
});

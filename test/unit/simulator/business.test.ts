import { describe, expect, it } from 'vitest';
import { CreateLocationInput, CreateProductInput } from '#server/catalog/catalog.schemas.ts';
import { Address } from '#server/orders/order.schemas.ts';
import { createBusiness } from '#server/simulator/business.ts';
import { customerAt } from '#server/simulator/customers.ts';
import { distanceKm } from '#server/simulator/geo.ts';

const fakeId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('createBusiness: catalog, network and customers from a seed', () => {
  it('builds the identical business for the same seed and a different catalog for another', () => {
    expect(createBusiness(7)).toEqual(createBusiness(7));
    const other = createBusiness(8);
    expect(other.products.map((p) => [p.name, p.priceCents])).not.toEqual(createBusiness(7).products.map((p) => [p.name, p.priceCents]));
  });

  it('has about 300 distinct SKUs across eight categories, each a valid POST /api/products body', () => {
    const business = createBusiness(1);
    const skus = new Set(business.products.map((p) => p.sku));
    expect(skus.size).toBe(300);
    expect(new Set(business.products.map((p) => p.category))).toEqual(new Set(['apparel', 'footwear', 'electronics', 'home', 'beauty', 'toys', 'sports', 'grocery']));
    for (const p of business.products) {
      const body = { sku: p.sku, name: p.name, category: p.category, priceCents: p.priceCents, currency: p.currency, weightGrams: p.weightGrams, lengthMm: p.lengthMm, widthMm: p.widthMm, heightMm: p.heightMm, backorderable: p.backorderable, ...(p.dropshipVendorCode ? { dropshipVendorId: fakeId(1) } : {}) };
      expect(CreateProductInput.safeParse(body).error).toBeUndefined();
      expect(Number.isInteger(p.priceCents) && p.priceCents % 100 === 99).toBe(true);
    }
  });

  it('prices categories realistically and returns apparel far more than electronics', () => {
    const business = createBusiness(1);
    const median = (category: string) => {
      const prices = business.products.filter((p) => p.category === category && !p.dropshipVendorCode).map((p) => p.priceCents).sort((a, b) => a - b);
      return prices[Math.floor(prices.length / 2)]!;
    };
    expect(median('grocery')).toBeLessThan(median('apparel'));
    expect(median('apparel')).toBeLessThan(median('footwear'));
    const rate = (category: string) => business.categories.find((c) => c.name === category)!.returnRate;
    expect(rate('apparel')).toBeGreaterThanOrEqual(0.25);
    expect(rate('apparel')).toBeLessThanOrEqual(0.3);
    expect(rate('electronics')).toBeGreaterThanOrEqual(0.05);
    expect(rate('electronics')).toBeLessThanOrEqual(0.08);
  });

  it('ties a few bulky products to the one drop-ship vendor and lets some products backorder', () => {
    const business = createBusiness(1);
    const dropshipped = business.products.filter((p) => p.dropshipVendorCode !== null);
    expect(dropshipped.length).toBeGreaterThanOrEqual(5);
    expect(dropshipped.length).toBeLessThanOrEqual(15);
    expect(new Set(dropshipped.map((p) => p.dropshipVendorCode))).toEqual(new Set([business.dropshipVendorCode]));
    expect(business.locations.find((l) => l.code === business.dropshipVendorCode)?.kind).toBe('dropship');
    const backorderable = business.products.filter((p) => p.backorderable).length;
    expect(backorderable).toBeGreaterThan(30);
    expect(backorderable).toBeLessThan(270);
  });

  it('spreads 8 to 12 valid locations across the continental US: warehouses, stores, one drop-shipper, one 3PL', () => {
    const { locations } = createBusiness(1);
    expect(locations.length).toBeGreaterThanOrEqual(8);
    expect(locations.length).toBeLessThanOrEqual(12);
    expect(new Set(locations.map((l) => l.code)).size).toBe(locations.length);
    expect(locations.filter((l) => l.kind === 'dropship')).toHaveLength(1);
    expect(locations.filter((l) => l.kind === '3pl')).toHaveLength(1);
    expect(locations.filter((l) => l.kind === 'warehouse').length).toBeGreaterThanOrEqual(2);
    expect(locations.filter((l) => l.kind === 'store').length).toBeGreaterThanOrEqual(2);
    for (const l of locations) {
      expect(CreateLocationInput.safeParse({ ...l, country: 'US' }).error).toBeUndefined();
      expect(l.lat).toBeGreaterThan(24);
      expect(l.lat).toBeLessThan(50);
      expect(l.lon).toBeGreaterThan(-125);
      expect(l.lon).toBeLessThan(-66);
    }
    const east = locations.find((l) => l.code === 'WH-EDISON')!;
    const west = locations.find((l) => l.code === 'WH-RENO')!;
    expect(distanceKm(east, west)).toBeGreaterThan(3_500);
    expect(distanceKm(east, west)).toBeLessThan(4_000);
  });

  it('generates the same customer for the same index, with a valid address near a real metro and a reserved email domain', () => {
    const business = createBusiness(3);
    expect(customerAt(business.seed, 12, business.metros)).toEqual(customerAt(business.seed, 12, business.metros));
    const customers = Array.from({ length: 2_000 }, (_, i) => customerAt(business.seed, i, business.metros));
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
    for (const c of customers) {
      expect(Address.safeParse(c.address).error).toBeUndefined();
      expect(c.email).toMatch(/@example\.(com|net|org)$/);
      const metro = business.metros.find((m) => m.city === c.address.city)!;
      expect(distanceKm(metro, { lat: c.address.lat!, lon: c.address.lon! })).toBeLessThan(30);
    }
    // Population weighs where customers live: New York outnumbers Boise many times over.
    const inCity = (city: string) => customers.filter((c) => c.address.city === city).length;
    expect(inCity('New York')).toBeGreaterThan(5 * inCity('Boise'));
  });

  it('has business buyers with distinct emails and valid addresses for the b2b channel', () => {
    const { b2bAccounts } = createBusiness(1);
    expect(new Set(b2bAccounts.map((a) => a.email)).size).toBe(b2bAccounts.length);
    for (const a of b2bAccounts) expect(Address.safeParse(a.address).error).toBeUndefined();
  });
});

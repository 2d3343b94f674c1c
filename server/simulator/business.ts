import { categorySpecs, type CategorySpec } from './categories.ts';
import { createCatalog, type SimProduct } from './catalog.ts';
import { carriers, type SimCarrier } from './carriers.ts';
import { createB2bAccounts, type B2bAccount } from './customers.ts';
import { defaultLocations, DROPSHIP_VENDOR_CODE, type SimLocation } from './locations.ts';
import { metros, type Metro } from './metros.ts';
import { createRandom } from './random.ts';

/**
 * Everything that exists before the first order: catalog, network, where customers live, who
 * carries parcels. Plain data (no functions), so two businesses compare with toEqual and the
 * driver can print or store one.
 */
export interface Business {
  seed: number;
  currency: 'USD';
  categories: readonly CategorySpec[];
  products: readonly SimProduct[];
  locations: readonly SimLocation[];
  dropshipVendorCode: string;
  metros: readonly Metro[];
  /** Consumers are drawn from this many people (see customerAt); fewer means more repeat buyers. */
  customerPoolSize: number;
  b2bAccounts: readonly B2bAccount[];
  carriers: readonly SimCarrier[];
}

export function createBusiness(seed: number): Business {
  const random = createRandom(seed, 'business');
  const products = createCatalog(random, DROPSHIP_VENDOR_CODE, categorySpecs);
  return {
    seed,
    currency: 'USD',
    categories: categorySpecs,
    products,
    locations: defaultLocations,
    dropshipVendorCode: DROPSHIP_VENDOR_CODE,
    metros,
    customerPoolSize: 50_000,
    b2bAccounts: createB2bAccounts(random, metros, 40),
    carriers,
  };
}

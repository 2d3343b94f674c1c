/** Location kinds as Tower names them (db/schema/locations.ts). */
export type LocationKind = 'warehouse' | 'store' | 'dropship' | '3pl';

/** A simulated location: the fields of Tower's POST /api/locations. Costs in cents. */
export interface SimLocation {
  code: string;
  name: string;
  kind: LocationKind;
  lat: number;
  lon: number;
  region: string;
  /** Units the location can pick and pack in a day. */
  dailyCapacity: number;
  pickCostCents: number;
  packCostCents: number;
}

/**
 * One network across the continental US: three regional warehouses (east, south, west), a 3PL
 * in the Midwest, six flagship stores in large metros and one drop-ship vendor near the ports of
 * Southern California. Stores pick slower and dearer than warehouses; the 3PL charges a premium.
 */
export const defaultLocations: readonly SimLocation[] = [
  { code: 'WH-EDISON', name: 'Edison NJ fulfillment center', kind: 'warehouse', lat: 40.5187, lon: -74.4121, region: 'NJ', dailyCapacity: 2_600, pickCostCents: 35, packCostCents: 120 },
  { code: 'WH-DALLAS', name: 'Dallas TX fulfillment center', kind: 'warehouse', lat: 32.8998, lon: -97.0403, region: 'TX', dailyCapacity: 2_200, pickCostCents: 32, packCostCents: 115 },
  { code: 'WH-RENO', name: 'Reno NV fulfillment center', kind: 'warehouse', lat: 39.5296, lon: -119.8138, region: 'NV', dailyCapacity: 1_800, pickCostCents: 34, packCostCents: 118 },
  { code: '3PL-COLUMBUS', name: 'Columbus OH 3PL', kind: '3pl', lat: 39.9612, lon: -82.9988, region: 'OH', dailyCapacity: 1_500, pickCostCents: 55, packCostCents: 150 },
  { code: 'ST-NYC', name: 'New York Herald Square store', kind: 'store', lat: 40.7506, lon: -73.9935, region: 'NY', dailyCapacity: 220, pickCostCents: 90, packCostCents: 220 },
  { code: 'ST-CHI', name: 'Chicago State Street store', kind: 'store', lat: 41.8837, lon: -87.6278, region: 'IL', dailyCapacity: 180, pickCostCents: 85, packCostCents: 210 },
  { code: 'ST-LA', name: 'Los Angeles Grove store', kind: 'store', lat: 34.0722, lon: -118.3576, region: 'CA', dailyCapacity: 200, pickCostCents: 90, packCostCents: 220 },
  { code: 'ST-ATL', name: 'Atlanta Midtown store', kind: 'store', lat: 33.7838, lon: -84.3830, region: 'GA', dailyCapacity: 150, pickCostCents: 80, packCostCents: 200 },
  { code: 'ST-SEA', name: 'Seattle Pike Street store', kind: 'store', lat: 47.6101, lon: -122.3421, region: 'WA', dailyCapacity: 140, pickCostCents: 85, packCostCents: 210 },
  { code: 'ST-DEN', name: 'Denver Cherry Creek store', kind: 'store', lat: 39.7170, lon: -104.9530, region: 'CO', dailyCapacity: 120, pickCostCents: 80, packCostCents: 200 },
  { code: 'DS-ONTARIO', name: 'Ontario CA drop-ship vendor', kind: 'dropship', lat: 34.0633, lon: -117.6509, region: 'CA', dailyCapacity: 400, pickCostCents: 0, packCostCents: 0 },
];

export const DROPSHIP_VENDOR_CODE = 'DS-ONTARIO';

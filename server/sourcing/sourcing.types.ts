import type { DecisionLog } from './decision-log.ts';
import type { Exclusion, serviceLevels, sourcingLocationKinds } from './sourcing-policy.ts';

export type ServiceLevel = (typeof serviceLevels)[number];
export type LocationKind = (typeof sourcingLocationKinds)[number];

/** One order line as sourcing sees it; `lineIndex` is the caller's and comes back unchanged. */
export interface SourcingLine {
  lineIndex: number;
  sku: string;
  quantity: number;
  unitWeightGrams: number;
  unitPriceCents: number;
  /** For dimensional weight; without it the line counts by actual weight only. */
  dimensionsMm?: { lengthMm: number; widthMm: number; heightMm: number } | null;
  /** The drop-ship vendor's location when the product ships from its vendor: the line goes there only. */
  dropShipVendorId?: string | null;
}

/**
 * A place that can supply an order. Costs are in the policy's currency: picking is paid per
 * unit, packing per shipment. Capacity counts shipments (orders released to the floor) the
 * location can still take today; one decision uses at most one per location.
 */
export interface SourcingLocation {
  id: string;
  kind: LocationKind;
  lat: number;
  lon: number;
  pickCostCents: number;
  packCostCents: number;
  remainingDailyCapacity: number;
  /** Ships parcels to customers (warehouses and 3PLs usually do; stores when ship-from-store is on). */
  shipsToCustomers: boolean;
  /** Hands out pickup orders (stores only, in practice). */
  offersPickup: boolean;
  active: boolean;
}

/** Units of a SKU a location can promise (on hand − reserved − safety stock); one row per SKU × location. */
export interface AvailableToPromise {
  sku: string;
  locationId: string;
  available: number;
}

export type Fulfilment = { method: 'ship'; destination: { lat: number; lon: number } } | { method: 'pickup'; storeId: string };

export interface SourcingRequest {
  lines: readonly SourcingLine[];
  fulfilment: Fulfilment;
  /** Ignored for pickup. */
  service: ServiceLevel;
  placedAt: Date;
  /** Every location of the network, so the log can say why each was or was not used. */
  locations: readonly SourcingLocation[];
  /** ATP of the order's SKUs; a missing row means none. */
  availability: readonly AvailableToPromise[];
}

export interface ShipmentLine {
  lineIndex: number;
  sku: string;
  quantity: number;
}

/**
 * What one location sends (or holds for pickup). `vendor_order` is a drop-ship purchase order:
 * the vendor ships to the customer and bills its own pick/pack.
 */
export interface Shipment {
  locationId: string;
  locationKind: LocationKind;
  type: 'ship' | 'pickup' | 'vendor_order';
  /** Null for pickup. */
  carrier: string | null;
  service: ServiceLevel | null;
  lines: ShipmentLine[];
  units: number;
  weightGrams: number;
  /** 0 for pickup. */
  billableKg: number;
  /** From the location to the customer (0 for pickup), for the log; never part of money. */
  distanceKm: number;
  shippingCents: number;
  pickCents: number;
  packCents: number;
  /** UTC day the parcel leaves (pickup: the day it is ready), `YYYY-MM-DD`. */
  shipDate: string;
  /** UTC day promised to the customer, `YYYY-MM-DD`. */
  promisedDate: string;
}

export interface SourcingCosts {
  currency: string;
  shippingCents: number;
  pickCents: number;
  packCents: number;
  /** `splitPenaltyCents` × (shipments − 1). */
  splitPenaltyCents: number;
  totalCents: number;
}

export type RejectionReason = 'short_pick' | 'damaged' | 'capacity' | 'closure';

/** A location saying it cannot send (all of) its shipment. */
export interface Rejection {
  locationId: string;
  reason: RejectionReason;
  /**
   * short_pick and damaged: per affected line, how many of the units allocated to this
   * location it can still send. Lines not listed are sent in full. Ignored for capacity and
   * closure, which hand back the whole shipment.
   */
  lines?: readonly { lineIndex: number; fulfillableQuantity: number }[];
  at: Date;
}

/**
 * A change to the availability snapshot the decision was made from. `set`: the location holds
 * exactly `units` of the SKU (a short pick counted them); `reduce`: `units` fewer (damaged).
 */
export interface AvailabilityAdjustment {
  locationId: string;
  sku: string;
  kind: 'set' | 'reduce';
  units: number;
  reason: RejectionReason;
}

export interface SourcingDecision {
  method: Fulfilment['method'];
  service: ServiceLevel;
  decidedAt: string;
  shipments: Shipment[];
  /** Units per line that nothing eligible can supply now (same meaning as AllocationPlan's). */
  shortByLine: Map<number, number>;
  costs: SourcingCosts;
  /** The latest promised date of the shipments: when the whole order is there. Null without shipments. */
  promisedDate: string | null;
  log: DecisionLog;
  /** Every rejection so far, as availability changes and exclusions; re-sourcing replays them. */
  adjustments: AvailabilityAdjustment[];
  exclusions: Exclusion[];
}

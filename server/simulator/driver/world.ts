import type { Business } from '../business.ts';
import type { SimulatedOrder } from '../daily-orders.ts';
import type { SimLocation } from '../locations.ts';
import type { Day } from '../calendar.ts';
import type { Scenario } from '../scenario.ts';
import type { UnitDemand } from '../expected-demand.ts';
import type { SimSupplier } from '../suppliers.ts';
import type { RequestBatcher } from './request-batcher.ts';
import type { Scheduler } from './scheduler.ts';
import type { TowerClient } from './tower-client.ts';

/** The day's receipts arrive in the morning (UTC), before the US wakes up: ms after midnight. */
export const RECEIPTS_AT_MS = 6 * 3_600_000;

/** What the driver did, counted as Tower answered. */
export interface DriverStats {
  /** Orders Tower took: placed, or imported whole (POST /api/orders/history). */
  ordersPlaced: number;
  /** Of ordersPlaced, imported with their closed history. */
  ordersImported: number;
  /** Already in Tower from an earlier run (same Idempotency-Key): left alone. */
  ordersExisting: number;
  ordersDeclined: number;
  ordersOutOfStock: number;
  /** Refused for another reason (a 4xx other than a decline or a stock-out). */
  ordersRejected: number;
  ordersBackordered: number;
  ordersCancelled: number;
  cancelsRefused: number;
  releases: number;
  shipmentsReleased: number;
  shortPicks: number;
  shipmentsShipped: number;
  pickupsReady: number;
  /** Parcels with a delivered scan, and pickups collected. */
  deliveries: number;
  carrierScans: number;
  returnsRequested: number;
  returnsRefunded: number;
  returnsRefused: number;
  /** Goods received: purchase orders, and the drop-ship vendor's stock reports. */
  receipts: number;
  /** Purchase orders placed with suppliers. */
  purchaseOrders: number;
  disruptionsApplied: number;
  /** Actions that failed for a reason the driver did not expect. */
  errors: number;
}

export const emptyStats = (): DriverStats => ({
  ordersPlaced: 0,
  ordersImported: 0,
  ordersExisting: 0,
  ordersDeclined: 0,
  ordersOutOfStock: 0,
  ordersRejected: 0,
  ordersBackordered: 0,
  ordersCancelled: 0,
  cancelsRefused: 0,
  releases: 0,
  shipmentsReleased: 0,
  shortPicks: 0,
  shipmentsShipped: 0,
  pickupsReady: 0,
  deliveries: 0,
  carrierScans: 0,
  returnsRequested: 0,
  returnsRefunded: 0,
  returnsRefused: 0,
  receipts: 0,
  purchaseOrders: 0,
  disruptionsApplied: 0,
  errors: 0,
});

/** One order Tower accepted, while the simulation still has something to do with it. */
export interface OrderState {
  id: string;
  sim: SimulatedOrder;
  cancelled: boolean;
  /** Shipments seen, by id. */
  shipments: Set<string>;
  /** Shipments not yet delivered or collected. */
  openShipments: number;
  /** Where its first shipment came from: returns go back there. */
  firstLocationId: string | null;
  lastDeliveredAtMs: number;
  returnScheduled: boolean;
  /**
   * Tower may still send more of it: units backordered at placement or handed back by a short
   * pick. Such an order is never forgotten, so the shipment a later receipt releases is worked.
   */
  owesMore: boolean;
}

/** Done with an order: nothing of it is on its way, unless Tower may still release more of it. */
export function forgetOrder(world: World, state: OrderState): void {
  if (!state.owesMore) world.orders.delete(state.id);
}

/** One order's answer inside POST /api/orders/batch: the status POST /api/orders would give. */
export interface BatchOrderResult {
  status: number;
  order?: { id: string; status: string; lines?: { backorderedQuantity: number }[] };
  problem?: { type: string; status: number; detail: string; errors?: unknown[] };
}

/** A carrier scan to send, and its answer inside POST /api/carriers/{carrier}/events/batch. */
export interface CarrierScanItem {
  carrier: string;
  event: { eventId: string; trackingNumber: string; status: string; occurredAt: string };
}
export interface CarrierScanResult {
  status: number;
  problem?: { type: string; status: number; detail: string };
}

export type ReturnStep = 'request' | 'authorize' | 'receive' | 'resolve';

/** One RMA's step in a returns batch: its moment and the single command's body (with `returnId`, or `order` for a request). */
export interface ReturnStepItem {
  atMs: number;
  [field: string]: unknown;
}

/** One RMA's answer inside POST /api/returns/batch/{step}: what the single command would have answered. */
export interface ReturnStepAnswer {
  status: number;
  return?: { id: string; lines: { id: string; sku: string; quantity: number; reason: string }[] };
  problem?: { type: string; status: number; detail: string };
}

export type ReturnBatches = Record<ReturnStep, RequestBatcher<ReturnStepItem, ReturnStepAnswer>>;

/** Restock through purchase orders: who sells each SKU (what is on order is Tower's to say). */
export interface Purchasing {
  supplierIdByCode: Map<string, string>;
  supplierOfSku: Map<string, SimSupplier>;
}

/** Everything the driver's steps share during one run. */
export interface World {
  client: TowerClient;
  /**
   * Bulk requests for history (a batch of orders, a carrier's batch of scans), or null to send
   * each order and scan on its own (live traffic: one customer at a time).
   */
  bulk: { orders: RequestBatcher<SimulatedOrder, BatchOrderResult>; scans: RequestBatcher<CarrierScanItem, CarrierScanResult>; returns: ReturnBatches } | null;
  /** A person's session for the floor (pick claims are made by people), or null: no floor work. */
  floor: TowerClient | null;
  scheduler: Scheduler;
  business: Business;
  scenario: Scenario;
  seed: number;
  carrierSecret: string;
  locationIdByCode: Map<string, string>;
  locationById: Map<string, SimLocation>;
  /** Expected units of each SKU sold on a day (the demand model the restock plans for). */
  demandOn: (day: Day) => ReadonlyMap<string, UnitDemand>;
  orders: Map<string, OrderState>;
  /** Orders to look up shipments of after the next release. */
  awaitingRelease: Set<string>;
  /** The moment of the last morning restock done: orders placed after a later one wait for it. */
  restockedAtMs: number;
  /** Receipts of these `sku@locationCode` (or `sku@*`) wait while a stock-out lasts. */
  heldReceipts: Set<string>;
  purchasing: Purchasing;
  /** Capacity factor of locations losing capacity, by code. */
  capacityFactor: Map<string, number>;
  stats: DriverStats;
  /** The first few unexpected errors, for the summary. */
  errorSamples: string[];
}

/** Keeps the first few messages of what went wrong, for the summary. */
export function sampleError(world: Pick<World, 'errorSamples'>, error: unknown): void {
  if (world.errorSamples.length < 10) world.errorSamples.push(error instanceof Error ? error.message : String(error));
}

export function recordError(world: Pick<World, 'stats' | 'errorSamples'>, error: unknown): void {
  world.stats.errors++;
  sampleError(world, error);
}

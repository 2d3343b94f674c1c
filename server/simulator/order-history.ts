import type { HistoryOrderItem, HistoryReturn, HistoryShipment } from '#server/order-history/order-history.schemas.ts';
import type { Business } from './business.ts';
import { dayToMs, isWithin, msToDay } from './calendar.ts';
import type { SimProduct } from './catalog.ts';
import { promisedTransitDays, type SimCarrier } from './carriers.ts';
import { placeOrderBody, type SimulatedOrder } from './daily-orders.ts';
import { floorTiming, planFloorWork, type FloorPlan } from './floor-work.ts';
import { returnMoments } from './order-fate.ts';
import { distanceKm, type Point } from './geo.ts';
import type { SimLocation } from './locations.ts';
import type { DeliveryService } from './order-body.ts';
import { planCarrierScans } from './parcel-journey.ts';
import { createRandom } from './random.ts';
import type { Scenario } from './scenario.ts';

/**
 * What the simulator does with one order at a cut moment: nothing (declined), drive it through
 * the full path (live), or import its closed history in bulk (POST /api/orders/history).
 */
export type HistoryPlan =
  | { kind: 'declined' }
  /** A line's SKU is out of stock (a scenario stock_out) where it would come from, and may not wait: Tower answers 409. */
  | { kind: 'out_of_stock' }
  | { kind: 'live' }
  | {
      kind: 'import';
      item: HistoryOrderItem;
      /** Shipment indexes (into item.shipments) still with their carrier at cutMs (no deliveredAt in the item); a pickup's: still at the counter. */
      inTransit: number[];
      /** When the last shipment was (or, for those in transit, will be, by parcel 1's scans) delivered or collected; null if cancelled. */
      lastDeliveredAtMs: number | null;
      /**
       * What is left of the order's planned return after cutMs, for the driver to do through the
       * returns API: all of it (not authorized by the cut), its receipt and resolution, or its
       * resolution; null when nothing is (no return, or settled before the cut).
       */
      returnLeft: ReturnLeft;
    };

/** What of a planned return the driver still has to do after the cut. */
export type ReturnLeft = 'whole' | 'receipt' | 'resolution' | null;

export interface HistoryWorld {
  business: Business;
  scenario: Scenario;
  seed: number;
  locationIdByCode: ReadonlyMap<string, string>;
  releaseEveryMinutes: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The full path's driver assumes this distance when an address has no coordinates (floor-steps.ts `ship`). */
const UNKNOWN_DISTANCE_KM = 500;
/** Units that come back broken are scrapped (return-steps.ts). */
const SCRAPPED_REASONS = new Set(['defective', 'damaged']);

const LIVE: HistoryPlan = { kind: 'live' };
/** Channels Tower's seeded reference data lets backorder (sales_channels.allow_backorder). */
const BACKORDER_CHANNELS = new Set(['phone', 'b2b']);
/** The morning receipts of the day a stock-out ends bring the SKU back (driver/world.ts RECEIPTS_AT_MS). */
const RECEIPTS_AT_MS = 6 * HOUR;

/** Where one shipment leaves from and what it carries, before any floor work. */
interface SourcedShipment {
  location: SimLocation;
  lines: { sku: string; quantity: number }[];
}

interface PlannedShipment extends SourcedShipment {
  carrier: string | null;
  pickingStartedAtMs: number;
  packedAtMs: number;
  /** For a pickup: when the store had it ready. */
  shippedAtMs: number;
  /** For a pickup: when the customer collected it. */
  deliveredAtMs: number;
}

const catalogs = new WeakMap<Business, { products: Map<string, SimProduct>; locations: Map<string, SimLocation> }>();

function catalogOf(business: Business) {
  let catalog = catalogs.get(business);
  if (!catalog) {
    catalog = { products: new Map(business.products.map((p) => [p.sku, p])), locations: new Map(business.locations.map((l) => [l.code, l])) };
    catalogs.set(business, catalog);
  }
  return catalog;
}

function addressPoint(order: SimulatedOrder): Point | null {
  const address = order.draft.shippingAddress;
  return address?.lat !== undefined && address.lon !== undefined ? { lat: address.lat, lon: address.lon } : null;
}

/** Ties go to the location listed first and an address without coordinates to the first warehouse, as return-steps.ts `receivingLocation` does. */
function nearestTo(point: Point | null, locations: readonly SimLocation[]): SimLocation | undefined {
  if (locations.length === 0) return undefined;
  if (!point) return locations.find((l) => l.kind === 'warehouse') ?? locations[0];
  return locations.reduce((a, b) => (distanceKm(a, point) <= distanceKm(b, point) ? a : b));
}

/** The scenario's stock-out of `sku` at `locationCode` (or everywhere) on `day`, if one is on. */
function stockOutOf(scenario: Scenario, sku: string, locationCode: string, day: string) {
  return scenario.disruptions.find((d) => d.kind === 'stock_out' && d.sku === sku && (d.locationCode === null || d.locationCode === locationCode) && isWithin(day, d.start, d.end));
}

/**
 * A stand-in for Tower's sourcing, since imported history has no stock to weigh but the
 * scenario's stock-outs: a pickup from its store; a parcel from the nearest warehouse or 3PL that
 * is not out of one of its lines, drop-shipped products from their vendor.
 */
function sourceShipments(order: SimulatedOrder, business: Business, scenario: Scenario): SourcedShipment[] {
  const { products, locations } = catalogOf(business);
  const delivery = order.draft.delivery;
  if (delivery.method === 'pickup') return [{ location: locations.get(delivery.pickupLocationCode)!, lines: order.draft.lines }];
  const own = order.draft.lines.filter((l) => !products.get(l.sku)?.dropshipVendorCode);
  const byVendor = new Map<string, SourcedShipment['lines']>();
  for (const line of order.draft.lines) {
    const vendor = products.get(line.sku)?.dropshipVendorCode;
    if (vendor) byVendor.set(vendor, [...(byVendor.get(vendor) ?? []), line]);
  }
  const shipments: SourcedShipment[] = [];
  const day = msToDay(Date.parse(order.placedAt));
  const network = business.locations.filter((l) => l.kind === 'warehouse' || l.kind === '3pl');
  const stocked = network.filter((l) => own.every((line) => !stockOutOf(scenario, line.sku, l.code, day)));
  const origin = nearestTo(addressPoint(order), stocked.length > 0 ? stocked : network);
  if (own.length > 0 && origin) shipments.push({ location: origin, lines: own });
  for (const [vendor, lines] of byVendor) shipments.push({ location: locations.get(vendor)!, lines });
  return shipments;
}

/** The driver's release slots run every few minutes from midnight UTC; a release takes the orders placed by its moment. */
function releaseSlotOf(placedAtMs: number, everyMinutes: number): number {
  const slot = everyMinutes * MINUTE;
  return Math.ceil(placedAtMs / slot) * slot;
}

/** Share of its capacity a location keeps under a capacity_loss that is on when the release runs (1: none). */
function capacityFactorAt(scenario: Scenario, locationCode: string, atMs: number): number {
  const day = msToDay(atMs);
  const loss = scenario.disruptions.find((d) => d.kind === 'capacity_loss' && d.locationCode === locationCode && isWithin(day, d.start, d.end));
  return loss?.kind === 'capacity_loss' ? loss.capacityFactor : 1;
}

/**
 * The carrier Tower's default policy quotes cheapest: its regional carrier undercuts the national
 * one in every band it reaches, whatever the weight, so the serving carrier of shortest reach wins;
 * on equal reach the one listed first.
 */
export function carrierFor(carriers: readonly SimCarrier[], service: DeliveryService, km: number): SimCarrier {
  const serving = carriers.filter((c) => promisedTransitDays(c, service, km) !== null);
  if (serving.length === 0) throw new Error(`no carrier serves ${Math.round(km)} km by ${service}`);
  return serving.reduce((a, b) => (b.promisedDays[service].length < a.promisedDays[service].length ? b : a));
}

/** A released shipment's floor work, from the stream the full path draws it from (floor-steps.ts `floorPlanOf`). */
function floorPlanOf(order: SimulatedOrder, world: HistoryWorld, sourced: SourcedShipment, number: number): FloorPlan {
  const { location } = sourced;
  const releasedAtMs = releaseSlotOf(Math.max(Date.parse(order.placedAt), backorderedUntilMs(order, world.scenario, sourced)), world.releaseEveryMinutes);
  // A location short of capacity claims later, by the inverse of what it has left.
  const factor = capacityFactorAt(world.scenario, location.code, releasedAtMs);
  const startMs = releasedAtMs + (1 / factor - 1) * floorTiming[location.kind].claimMedianHours * HOUR;
  return planFloorWork(location.kind, startMs, sourced.lines.map((l) => l.quantity), createRandom(world.seed, 'floor', order.key, number));
}

/** A backordered shipment waits for the morning receipts of the day its stock-out ends (0: it waits for nothing). */
function backorderedUntilMs(order: SimulatedOrder, scenario: Scenario, sourced: SourcedShipment): number {
  const day = msToDay(Date.parse(order.placedAt));
  const ends = sourced.lines.flatMap((l) => {
    const out = stockOutOf(scenario, l.sku, sourced.location.code, day);
    return out ? [dayToMs(out.end) + RECEIPTS_AT_MS] : [];
  });
  return ends.length > 0 ? Math.max(...ends) : 0;
}

/** Whether Tower refuses the order: a line out of stock where it would come from, on a channel or product that may not wait. */
function refusedOutOfStock(order: SimulatedOrder, business: Business, scenario: Scenario, shipments: readonly SourcedShipment[]): boolean {
  const { products } = catalogOf(business);
  const day = msToDay(Date.parse(order.placedAt));
  return shipments.some((s) =>
    s.lines.some((l) => stockOutOf(scenario, l.sku, s.location.code, day) && !(BACKORDER_CHANNELS.has(order.draft.channel) && products.get(l.sku)?.backorderable === true)),
  );
}

/** Most customers come by within a day of the "ready" email; a few take most of a week (floor-steps.ts `readyForPickup`). */
function collectedAtMs(order: SimulatedOrder, world: HistoryWorld, number: number, readyAtMs: number): number {
  const random = createRandom(world.seed, 'pickup', order.key, number);
  return readyAtMs + Math.min(6 * 24, random.lognormal(Math.log(18), 0.7)) * HOUR;
}

/** The carrier and when parcel 1's delivered scan comes, as floor-steps.ts `ship` plans its scans. */
function parcelDelivery(order: SimulatedOrder, world: HistoryWorld, sourced: SourcedShipment, number: number, shippedAtMs: number): { carrier: string; deliveredAtMs: number } {
  const point = addressPoint(order);
  const km = point ? distanceKm(sourced.location, point) : UNKNOWN_DISTANCE_KM;
  const service = order.draft.delivery.service;
  const carrier = carrierFor(world.business.carriers, service, km).code;
  const scans = planCarrierScans({ carrier, service, km, shippedAtMs }, world.scenario.disruptions, createRandom(world.seed, 'carrier', order.key, number, 1));
  return { carrier, deliveredAtMs: Date.parse(scans.find((s) => s.status === 'delivered')!.at) };
}

/**
 * One shipment's life to its delivery or collection. Moments are kept in whole milliseconds, as
 * the item's timestamps carry them; the draws use the unrounded ones, as the full path does.
 */
function planShipmentLife(order: SimulatedOrder, world: HistoryWorld, sourced: SourcedShipment, number: number): PlannedShipment {
  const floor = floorPlanOf(order, world, sourced, number);
  const worked = { ...sourced, pickingStartedAtMs: Math.floor(floor.claimedAtMs), packedAtMs: Math.floor(floor.packedAtMs) };
  if (order.draft.delivery.method === 'pickup') {
    const readyAtMs = floor.packedAtMs + 10 * MINUTE;
    return { ...worked, carrier: null, shippedAtMs: Math.floor(readyAtMs), deliveredAtMs: Math.floor(collectedAtMs(order, world, number, readyAtMs)) };
  }
  const { carrier, deliveredAtMs } = parcelDelivery(order, world, sourced, number, floor.shippedAtMs);
  return { ...worked, carrier, shippedAtMs: Math.floor(floor.shippedAtMs), deliveredAtMs };
}

/** Where a return goes: the first shipment's location, or for a drop-ship vendor the nearest warehouse (return-steps.ts). */
function receivingLocation(order: SimulatedOrder, business: Business, first: SimLocation): SimLocation {
  if (first.kind !== 'dropship') return first;
  return nearestTo(addressPoint(order), business.locations.filter((l) => l.kind === 'warehouse')) ?? first;
}

/** The planned return's RMA as far as it got by the cut (its moments: order-fate.ts `returnMoments`, as the driver's). */
function plannedReturn(order: SimulatedOrder, world: HistoryWorld, first: SimLocation, lastDeliveredAtMs: number, cutMs: number): { item: HistoryReturn | null; left: ReturnLeft } {
  const plan = order.fate.return;
  if (!plan) return { item: null, left: null };
  const { requestedAtMs, authorizedAtMs, receivedAtMs, resolvedAtMs } = returnMoments(lastDeliveredAtMs, plan);
  // Not authorized by the cut: the driver asks for all of it at its moments.
  if (authorizedAtMs >= cutMs) return { item: null, left: 'whole' };
  const received = receivedAtMs < cutMs;
  const resolved = resolvedAtMs < cutMs;
  const item: HistoryReturn = {
    requestedAt: iso(requestedAtMs),
    authorizedAt: iso(authorizedAtMs),
    ...(received ? { receivedAt: iso(receivedAtMs) } : {}),
    // An order on invoice took no card payment to refund: the account gets credit instead.
    ...(resolved ? { resolvedAt: iso(resolvedAtMs), resolution: order.draft.payment.method === 'invoice' ? 'store_credit' : 'refund' } : {}),
    locationId: locationIdOf(world, receivingLocation(order, world.business, first)),
    lines: plan.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, reason: l.reason, disposition: SCRAPPED_REASONS.has(l.reason) ? 'scrap' : 'restock' })),
  };
  return { item, left: resolved ? null : received ? 'resolution' : 'receipt' };
}

function locationIdOf(world: HistoryWorld, location: SimLocation): string {
  const id = world.locationIdByCode.get(location.code);
  if (!id) throw new Error(`no location id for ${location.code}`);
  return id;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A shipment as the item carries it at the cut: its delivery only once it has happened. */
function historyShipment(shipment: PlannedShipment, world: HistoryWorld, cutMs: number): HistoryShipment {
  return {
    locationId: locationIdOf(world, shipment.location),
    ...(shipment.carrier ? { carrier: shipment.carrier } : {}),
    lines: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    pickingStartedAt: iso(shipment.pickingStartedAtMs),
    packedAt: iso(shipment.packedAtMs),
    shippedAt: iso(shipment.shippedAtMs),
    ...(shipment.deliveredAtMs < cutMs ? { deliveredAt: iso(shipment.deliveredAtMs) } : {}),
  };
}

/**
 * One simulated order's history as of `cutMs`: imported when everything up to its hand-over (or
 * its cancel) happened before the cut, else left to the full path. Pure: the same order, world
 * and cut always give the same plan.
 */
export function historyOf(order: SimulatedOrder, world: HistoryWorld, cutMs: number): HistoryPlan {
  if (order.fate.declined) return { kind: 'declined' };
  const base = { idempotencyKey: order.key, placedAt: order.placedAt, order: placeOrderBody(order, world.locationIdByCode) };
  const sourced = sourceShipments(order, world.business, world.scenario);
  if (refusedOutOfStock(order, world.business, world.scenario, sourced)) return { kind: 'out_of_stock' };
  const shipments = sourced.map((s, i) => planShipmentLife(order, world, s, i + 1));
  // Tower cancels an order until one of its shipments has left (cancel-order-shipments.ts); later, the customer keeps it.
  const cancelAtMs = order.fate.cancelAfterMinutes === null ? null : Date.parse(order.placedAt) + order.fate.cancelAfterMinutes * MINUTE;
  if (cancelAtMs !== null && shipments.every((s) => cancelAtMs < s.shippedAtMs)) {
    if (cancelAtMs >= cutMs) return LIVE;
    return { kind: 'import', item: { ...base, cancelledAt: iso(cancelAtMs) }, inTransit: [], lastDeliveredAtMs: null, returnLeft: null };
  }
  // No shipments only when the business has nowhere to send from: the full path finds out what Tower does.
  if (shipments.length === 0 || shipments.some((s) => s.shippedAtMs >= cutMs)) return LIVE;
  const lastDeliveredAtMs = Math.max(...shipments.map((s) => s.deliveredAtMs));
  const rma = plannedReturn(order, world, shipments[0]!.location, lastDeliveredAtMs, cutMs);
  const item: HistoryOrderItem = { ...base, shipments: shipments.map((s) => historyShipment(s, world, cutMs)), ...(rma.item ? { return: rma.item } : {}) };
  const inTransit = shipments.flatMap((s, i) => (s.deliveredAtMs >= cutMs ? [i] : []));
  return { kind: 'import', item, inTransit, lastDeliveredAtMs, returnLeft: rma.left };
}

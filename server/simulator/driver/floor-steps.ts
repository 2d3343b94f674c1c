import { floorTiming, planFloorWork, type FloorPlan } from '../floor-work.ts';
import { distanceKm } from '../geo.ts';
import { planCarrierScans, type CarrierScan } from '../parcel-journey.ts';
import { createRandom } from '../random.ts';
import { floorWaves, type FloorStep, type FloorWaveItem } from './bulk-requests.ts';
import { scheduleReturn } from './return-steps.ts';
import { TowerError, type TowerClient } from './tower-client.ts';
import { forgetOrder, type OrderState, type World } from './world.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Steps no release needs to wait for: they hand nothing back (sync points, scheduler.ts). */
const QUIET = { feeds: false };
/** A shipment's floor steps lead to units handed back (to be released again) only when its pick comes up short. */
const handsBack = (plan: FloorPlan) => plan.shortUnits > 0;
/**
 * How a step before the shipment is packed relates to releases: a short one hands its units back
 * when it is packed (nothing found) or leaves (some found), so only releases from its packing on
 * wait for it; the rest never do.
 */
const untilPacked = (plan: FloorPlan) => (handsBack(plan) ? { feedsFrom: plan.packedAtMs } : QUIET);

/**
 * A shipment's steps run in a lane of their own, in time order: a b2b order's many shipments are
 * worked side by side, as on a real floor, and one that comes up short (which releases wait for)
 * does not queue behind its siblings' steps. An order its customer will cancel keeps them in its
 * own lane, so the cancel still meets the floor where its moment says it does.
 */
const shipmentLane = (state: OrderState, shipment: TowerShipment) => (state.sim.fate.cancelAfterMinutes === null ? `${state.sim.key}#${shipment.number}` : state.sim.key);

/** The fields of Tower's Shipment answer the driver reads. */
export interface TowerShipment {
  id: string;
  orderId: string;
  number: number;
  locationId: string;
  status: string;
  carrier: string | null;
  service: 'standard' | 'express';
  lines: { id: string; sku: string; quantity: number; pickedQuantity: number }[];
  packages: { id: string; number: number; trackingNumber: string }[];
}

/**
 * Plans one released shipment on its location's floor (planFloorWork) and queues its steps in
 * the order's lane: claim, pick (short picks as short quantities), pack, then ship and the
 * carrier's scans, or for a pickup the counter and the customer collecting it. A location short of
 * capacity claims later, by the inverse of what it has left.
 */
export function planShipment(world: World, state: OrderState, shipment: TowerShipment, releasedAtMs: number): void {
  const plan = floorPlanOf(world, state, shipment, releasedAtMs);
  if (!plan) return;
  const lane = shipmentLane(state, shipment);
  world.scheduler.at(plan.claimedAtMs, lane, () => claim(world, world.floor!, state, shipment, plan), untilPacked(plan));
}

/** A released shipment's plan on its location's floor (null: no one works it), the same whenever it is asked for. */
function floorPlanOf(world: World, state: OrderState, shipment: TowerShipment, releasedAtMs: number): FloorPlan | null {
  const location = world.locationById.get(shipment.locationId);
  if (!location || !world.floor) return null;
  const factor = world.capacityFactor.get(location.code);
  const startMs = factor ? releasedAtMs + (1 / factor - 1) * floorTiming[location.kind].claimMedianHours * HOUR : releasedAtMs;
  return planFloorWork(location.kind, startMs, shipment.lines.map((l) => l.quantity), createRandom(world.seed, 'floor', state.sim.key, shipment.number));
}

/**
 * When working this released shipment will first hand units back to be released again (its pick
 * comes up short: when it is packed), or null if it never will: only releases from then on wait
 * for its steps, and for the lane action that plans them.
 */
export function handBackAt(world: World, state: OrderState, shipment: TowerShipment, releasedAtMs: number): number | null {
  const plan = floorPlanOf(world, state, shipment, releasedAtMs);
  return plan !== null && handsBack(plan) ? plan.packedAtMs : null;
}

/**
 * One floor step of a shipment: in history, its item in the window's wave of that step (one
 * request for the lanes that reach it together); live, the single command. A refused item
 * throws as the single command's answer would. An urgent step (a short pick's, which releases
 * wait for) sends its wave at once, ahead of the lanes' other requests, instead of letting it
 * gather.
 */
async function floorStep(world: World, floor: TowerClient, step: FloorStep, item: FloorWaveItem, single: (priority: boolean) => Promise<TowerShipment | undefined>, urgent = false): Promise<TowerShipment | undefined> {
  if (!world.bulk) return single(urgent);
  const answer = await floorWaves(floor)[step].submit(item, urgent);
  if (answer.status !== 200) throw new TowerError('POST', `/api/fulfillment/waves/${step}`, answer.status, answer.problem?.type ?? 'unknown', answer.problem?.detail ?? '');
  return answer.shipment;
}

/** 409 or 404: the shipment moved on without us (cancelled with its order, rerouted). */
function gone(error: unknown): boolean {
  return error instanceof TowerError && (error.status === 409 || error.status === 404);
}

function closeShipment(world: World, state: OrderState): void {
  state.openShipments = Math.max(0, state.openShipments - 1);
  settleOrder(world, state);
}

async function claim(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, plan: FloorPlan): Promise<void> {
  if (state.cancelled) return;
  try {
    await floorStep(world, floor, 'claim', { shipmentId: shipment.id, atMs: plan.claimedAtMs }, async (priority) => {
      await floor.request('POST', '/api/fulfillment/pick-claims', { body: { shipmentLineIds: shipment.lines.map((l) => l.id) }, asOf: plan.claimedAtMs, priority });
      return undefined;
    }, handsBack(plan));
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  world.scheduler.at(plan.pickedAtMs, shipmentLane(state, shipment), () => pick(world, floor, state, shipment, plan), untilPacked(plan));
}

async function pick(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, plan: FloorPlan): Promise<void> {
  if (state.cancelled) return;
  let picked = shipment.lines.map((line, i) => ({ line, quantity: line.quantity - (plan.shortByLine[i] ?? 0) }));
  try {
    // The whole shipment in one call; only short lines say how many were found.
    const lines = picked.filter((p) => p.quantity < p.line.quantity).map((p) => ({ shipmentLineId: p.line.id, quantity: p.quantity }));
    const answer = await floorStep(world, floor, 'pick', { shipmentId: shipment.id, atMs: plan.pickedAtMs, ...(lines.length > 0 ? { lines } : {}) }, async (priority) => {
      const { body } = await floor.request<TowerShipment>('POST', `/api/fulfillment/shipments/${shipment.id}/pick`, { body: lines.length > 0 ? { lines } : {}, asOf: plan.pickedAtMs, priority });
      return body;
    }, handsBack(plan));
    // What Tower says was picked is what gets scanned: units re-sourced onto the shipment since the release were picked too.
    if (answer) picked = answer.lines.map((line) => ({ line, quantity: line.pickedQuantity }));
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  if (plan.shortUnits > 0) world.stats.shortPicks++;
  // Nothing found hands the shipment back to be released again: a release before it must not see that early.
  const rejects = picked.every((p) => p.quantity === 0);
  world.scheduler.at(plan.packedAtMs, shipmentLane(state, shipment), () => pack(world, floor, state, shipment, plan, picked), { gate: () => rejects, feeds: handsBack(plan) });
}

async function pack(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, plan: FloorPlan, picked: { line: TowerShipment['lines'][number]; quantity: number }[]): Promise<void> {
  if (state.cancelled) return;
  // One scan per SKU with its whole quantity (a shipment may hold two lines of one SKU).
  const bySku = new Map<string, number>();
  for (const p of picked) if (p.quantity > 0) bySku.set(p.line.sku, (bySku.get(p.line.sku) ?? 0) + p.quantity);
  const items = [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  try {
    if (items.length === 0) {
      // Nothing found at all: the location hands the whole shipment back to be sourced elsewhere (the releases after it wait for this).
      const lines = picked.map((p) => ({ shipmentLineId: p.line.id, fulfillableQuantity: 0 }));
      await floor.request('POST', `/api/fulfillment/shipments/${shipment.id}/reject`, { body: { reason: 'short_pick', lines }, asOf: plan.packedAtMs, priority: true });
      owesHandedBackUnits(world, state);
      return closeShipment(world, state);
    }
    const packed = await floorStep(world, floor, 'pack', { shipmentId: shipment.id, atMs: plan.packedAtMs, items }, async (priority) => {
      const { body } = await floor.request<TowerShipment>('POST', `/api/fulfillment/shipments/${shipment.id}/pack`, { body: { items }, asOf: plan.packedAtMs, priority });
      return body;
    }, handsBack(plan));
    shipment = packed!;
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  const sentShort = plan.shortUnits > 0;
  if (state.sim.draft.delivery.method === 'pickup') {
    const readyAtMs = plan.packedAtMs + 10 * MINUTE;
    world.scheduler.at(readyAtMs, shipmentLane(state, shipment), () => readyForPickup(world, floor, state, shipment, readyAtMs, sentShort), { gate: () => sentShort, feeds: sentShort });
    return;
  }
  world.scheduler.at(plan.shippedAtMs, shipmentLane(state, shipment), () => ship(world, floor, state, shipment, plan.shippedAtMs, sentShort), { gate: () => sentShort, feeds: sentShort });
}

async function ship(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, atMs: number, sentShort: boolean): Promise<void> {
  if (state.cancelled) return;
  try {
    await floorStep(world, floor, 'ship', { shipmentId: shipment.id, atMs }, async (priority) => {
      await floor.request('POST', `/api/fulfillment/shipments/${shipment.id}/ship`, { asOf: atMs, priority });
      return undefined;
    }, sentShort);
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  world.stats.shipmentsShipped++;
  if (sentShort) owesHandedBackUnits(world, state);
  const location = world.locationById.get(shipment.locationId)!;
  const address = state.sim.draft.shippingAddress;
  const km = address?.lat !== undefined && address.lon !== undefined ? distanceKm(location, { lat: address.lat, lon: address.lon }) : 500;
  const delivered = new Set<string>();
  for (const parcel of shipment.packages) {
    const random = createRandom(world.seed, 'carrier', state.sim.key, shipment.number, parcel.number);
    const scans = planCarrierScans({ carrier: shipment.carrier ?? 'national-parcel', service: shipment.service, km, shippedAtMs: atMs }, world.scenario.disruptions, random);
    // A lane of the parcel's own (a b2b shipment's dozens of parcels are scanned side by side): its
    // scans come after it left, so no step of the order can meet them out of order.
    const lane = `${state.sim.key}/${parcel.trackingNumber}`;
    scans.forEach((scan, i) => {
      world.scheduler.at(Date.parse(scan.at), lane, () => postScan(world, state, shipment, parcel.trackingNumber, scan, i, delivered), QUIET);
    });
  }
}

/**
 * An imported shipment still with its carrier at `fromMs`: its parcels' scans from then on, each
 * parcel on the timeline its first one was imported by (they travel together, and the import
 * decided the shipment undelivered by parcel 1's scans).
 */
export function followImportedParcels(world: World, state: OrderState, shipment: TowerShipment, shippedAtMs: number, fromMs: number): void {
  const location = world.locationById.get(shipment.locationId)!;
  const address = state.sim.draft.shippingAddress;
  const km = address?.lat !== undefined && address.lon !== undefined ? distanceKm(location, { lat: address.lat, lon: address.lon }) : 500;
  const random = createRandom(world.seed, 'carrier', state.sim.key, shipment.number, 1);
  const scans = planCarrierScans({ carrier: shipment.carrier ?? 'national-parcel', service: shipment.service, km, shippedAtMs }, world.scenario.disruptions, random);
  const delivered = new Set<string>();
  for (const parcel of shipment.packages) {
    const lane = `${state.sim.key}/${parcel.trackingNumber}`;
    scans.forEach((scan, i) => {
      if (Date.parse(scan.at) >= fromMs) world.scheduler.at(Date.parse(scan.at), lane, () => postScan(world, state, shipment, parcel.trackingNumber, scan, i, delivered), QUIET);
    });
  }
}

/** An imported pickup waiting at the store's counter: the customer collects it at `collectedAtMs`. */
export function followImportedPickup(world: World, state: OrderState, shipment: TowerShipment, collectedAtMs: number): void {
  if (!world.floor) return;
  const floor = world.floor;
  world.scheduler.at(collectedAtMs, shipmentLane(state, shipment), () => pickedUp(world, floor, state, shipment, collectedAtMs), QUIET);
}

async function postScan(world: World, state: OrderState, shipment: TowerShipment, trackingNumber: string, scan: CarrierScan, index: number, delivered: Set<string>): Promise<void> {
  const body = { eventId: `${trackingNumber}-${index + 1}-${scan.status}`, trackingNumber, status: scan.status, occurredAt: scan.at };
  const carrier = shipment.carrier ?? 'national-parcel';
  if (world.bulk) {
    // In history, the carrier's scans of a window arrive together, in one signed delivery.
    const answer = await world.bulk.scans.submit({ carrier, event: body });
    if (answer.status !== 200) throw new TowerError('POST', `/api/carriers/${carrier}/events/batch`, answer.status, answer.problem?.type ?? 'unknown', answer.problem?.detail ?? '');
  } else await world.client.carrierEvent(carrier, world.carrierSecret, body, scan.at);
  world.stats.carrierScans++;
  if (scan.status !== 'delivered') return;
  delivered.add(trackingNumber);
  if (delivered.size < shipment.packages.length) return;
  world.stats.deliveries++;
  state.lastDeliveredAtMs = Math.max(state.lastDeliveredAtMs, Date.parse(scan.at));
  closeShipment(world, state);
}

/** The units a short pick did not find were handed back as the shipment left (or was made ready): a later release sends them. */
function owesHandedBackUnits(world: World, state: OrderState): void {
  world.awaitingRelease.add(state.id);
  state.owesMore = true;
}

async function readyForPickup(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, atMs: number, sentShort: boolean): Promise<void> {
  if (state.cancelled) return;
  try {
    await floorStep(world, floor, 'ready-for-pickup', { shipmentId: shipment.id, atMs }, async (priority) => {
      await floor.request('POST', `/api/fulfillment/shipments/${shipment.id}/ready-for-pickup`, { asOf: atMs, priority });
      return undefined;
    }, sentShort);
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  world.stats.pickupsReady++;
  if (sentShort) owesHandedBackUnits(world, state);
  // Most customers come by within a day of the "ready" email; a few take most of a week.
  const random = createRandom(world.seed, 'pickup', state.sim.key, shipment.number);
  const collectedAtMs = atMs + Math.min(6 * 24, random.lognormal(Math.log(18), 0.7)) * HOUR;
  world.scheduler.at(collectedAtMs, shipmentLane(state, shipment), () => pickedUp(world, floor, state, shipment, collectedAtMs), QUIET);
}

async function pickedUp(world: World, floor: TowerClient, state: OrderState, shipment: TowerShipment, atMs: number): Promise<void> {
  if (state.cancelled) return;
  try {
    await floorStep(world, floor, 'picked-up', { shipmentId: shipment.id, atMs }, async (priority) => {
      await floor.request('POST', `/api/fulfillment/shipments/${shipment.id}/picked-up`, { asOf: atMs, priority });
      return undefined;
    });
  } catch (error) {
    if (gone(error)) return closeShipment(world, state);
    throw error;
  }
  world.stats.deliveries++;
  state.lastDeliveredAtMs = Math.max(state.lastDeliveredAtMs, atMs);
  closeShipment(world, state);
}

/** Once nothing of an order is on its way any more: its planned return, or forget it. */
export function settleOrder(world: World, state: OrderState): void {
  if (state.openShipments > 0 || world.awaitingRelease.has(state.id)) return;
  if (state.sim.fate.return && state.lastDeliveredAtMs > 0 && !state.returnScheduled) {
    state.returnScheduled = true;
    scheduleReturn(world, state);
    return;
  }
  if (!state.returnScheduled) forgetOrder(world, state);
}

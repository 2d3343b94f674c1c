import type { Disruption } from '../disruptions.ts';
import { handBackAt, type TowerShipment } from './floor-steps.ts';
import { discoverShipments } from './order-life.ts';
import { listInventory } from './seed-business.ts';
import type { World } from './world.ts';

/** Most orders one release call takes; a larger backlog takes several calls. */
const RELEASE_LIMIT = 10_000;
/**
 * When a release slot sends its orders to the floor: a busy business at every slot (30 minutes),
 * a quiet one when a handful of orders wait or the oldest has waited 90 minutes, as a small floor
 * batches its work into fewer waves.
 */
const WAVE = { orders: 8, oldestWaitMs: 90 * 60_000 };

/**
 * Releases allocated orders to the floor as of `atMs` (Tower releases those placed by then),
 * answered with the new shipments, then plans the shipments of every order waiting for it, in the
 * orders' own lanes.
 */
export async function releaseToFloor(world: World, atMs: number): Promise<void> {
  // Orders placed after this moment may be in already (lanes run ahead of releases); a later release takes them.
  const placedAt = (id: string) => Date.parse(world.orders.get(id)?.sim.placedAt ?? '') || 0;
  const due = [...world.awaitingRelease].filter((id) => placedAt(id) <= atMs);
  // Nothing new to send to the floor, or no one on it: a release would find nothing to do.
  if (due.length === 0 || !world.floor) return;
  // A wave is worth releasing once it holds enough work or its oldest order has waited long enough.
  if (due.length < WAVE.orders && atMs - Math.min(...due.map(placedAt)) < WAVE.oldestWaitMs) return;
  const released = new Map<string, TowerShipment[]>();
  for (;;) {
    const { body } = await world.client.request<{ orders: number; releasedShipments?: TowerShipment[] }>('POST', '/api/fulfillment/release', {
      body: { limit: RELEASE_LIMIT, withShipments: true },
      asOf: atMs,
      // Every later release waits for this one: it goes before the lanes' requests.
      priority: true,
    });
    for (const shipment of body.releasedShipments ?? []) released.set(shipment.orderId, [...(released.get(shipment.orderId) ?? []), shipment]);
    if (body.orders < RELEASE_LIMIT) break;
  }
  world.stats.releases++;
  const waiting = new Set([...due, ...released.keys()]);
  for (const id of waiting) {
    world.awaitingRelease.delete(id);
    const state = world.orders.get(id);
    if (!state) continue;
    // Units a short pick handed back are re-sourced as it happens, not by a release: an order that
    // owes some and got nothing from this release has its shipments listed, so a new one is worked.
    const shipments = released.get(id) ?? (state.owesMore ? undefined : []);
    // Planning the shipments concerns the releases after one of them hands units back (known from
    // its plan: when it is packed; a listing is not known yet), the earlier ones not at all.
    const handBacks = shipments === undefined ? [atMs] : shipments.map((s) => handBackAt(world, state, s, atMs)).filter((t) => t !== null);
    const flow = handBacks.length === 0 ? { feeds: false } : { feedsFrom: Math.min(...handBacks) };
    world.scheduler.at(atMs, state.sim.key, () => discoverShipments(world, state, atMs, shipments), flow);
  }
}

/** A disruption's first day: a warehouse loses capacity, or a SKU is counted down to nothing. */
export async function startDisruption(world: World, d: Disruption, atMs: number): Promise<void> {
  if (d.kind === 'capacity_loss') {
    const location = world.business.locations.find((l) => l.code === d.locationCode)!;
    await world.client.request('PATCH', `/api/locations/${world.locationIdByCode.get(d.locationCode)}`, { body: { dailyCapacity: Math.round(location.dailyCapacity * d.capacityFactor) }, asOf: atMs });
    world.capacityFactor.set(d.locationCode, d.capacityFactor);
  } else if (d.kind === 'stock_out') {
    world.heldReceipts.add(`${d.sku}@${d.locationCode ?? '*'}`);
    const where = d.locationCode ? `&locationId=${world.locationIdByCode.get(d.locationCode)}` : '';
    const levels = await listInventory(world.client, `?sku=${encodeURIComponent(d.sku)}${where}`);
    await Promise.all(
      levels
        .filter((l) => l.onHand - l.reserved > 0)
        .map((l) =>
          world.client.request('POST', '/api/inventory/adjustments', {
            body: { sku: l.sku, locationId: l.locationId, delta: -(l.onHand - l.reserved), reason: 'count', note: `stock-out ${d.id}` },
            idempotencyKey: `SIM-${world.seed}-${d.id}-${l.locationId}`,
            asOf: atMs,
          }),
        ),
    );
  }
  // A carrier slowdown needs no call: its parcels' scans come later (planCarrierScans).
  world.stats.disruptionsApplied++;
}

/** The day after a disruption: capacity back, receipts of the SKU flowing again. */
export async function endDisruption(world: World, d: Disruption, atMs: number): Promise<void> {
  if (d.kind === 'capacity_loss') {
    const location = world.business.locations.find((l) => l.code === d.locationCode)!;
    await world.client.request('PATCH', `/api/locations/${world.locationIdByCode.get(d.locationCode)}`, { body: { dailyCapacity: location.dailyCapacity }, asOf: atMs });
    world.capacityFactor.delete(d.locationCode);
  } else if (d.kind === 'stock_out') {
    world.heldReceipts.delete(`${d.sku}@${d.locationCode ?? '*'}`);
  }
}

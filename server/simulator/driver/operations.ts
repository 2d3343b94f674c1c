import { addDays, type Day } from '../calendar.ts';
import type { Disruption } from '../disruptions.ts';
import type { LocationKind } from '../locations.ts';
import { restockReceipts, type StockLevel } from '../stock-plan.ts';
import type { SimSupplier } from '../suppliers.ts';
import type { TowerShipment } from './floor-steps.ts';
import { discoverShipments } from './order-life.ts';
import { listInventory } from './seed-business.ts';
import type { World } from './world.ts';

/** Most orders one release call takes; a larger backlog takes several calls. */
const RELEASE_LIMIT = 10_000;

/**
 * Releases allocated orders to the floor as of `atMs` (Tower releases those placed by then),
 * answered with the new shipments, then plans the shipments of every order waiting for it, in the
 * orders' own lanes.
 */
export async function releaseToFloor(world: World, atMs: number): Promise<void> {
  // Nothing new to send to the floor, or no one on it: a release would find nothing to do.
  if (world.awaitingRelease.size === 0 || !world.floor) return;
  const released = new Map<string, TowerShipment[]>();
  for (;;) {
    const { body } = await world.client.request<{ orders: number; releasedShipments?: TowerShipment[] }>('POST', '/api/fulfillment/release', {
      body: { limit: RELEASE_LIMIT, withShipments: true },
      asOf: atMs,
    });
    for (const shipment of body.releasedShipments ?? []) released.set(shipment.orderId, [...(released.get(shipment.orderId) ?? []), shipment]);
    if (body.orders < RELEASE_LIMIT) break;
  }
  world.stats.releases++;
  const waiting = new Set([...world.awaitingRelease, ...released.keys()]);
  world.awaitingRelease.clear();
  for (const id of waiting) {
    const state = world.orders.get(id);
    if (state) world.scheduler.at(atMs, state.sim.key, () => discoverShipments(world, state, atMs, released.get(id) ?? []));
  }
}

interface ReorderPolicy {
  /** Share of the network's demand for a SKU that a location of this kind serves, by code. */
  kinds: readonly LocationKind[];
  reorderDays: number;
  coverDays: number;
}

// Warehouses and the 3PL reorder at two weeks' cover, stores at three days, the vendor rarely.
const POLICIES: readonly ReorderPolicy[] = [
  { kinds: ['warehouse', '3pl'], reorderDays: 14, coverDays: 35 },
  { kinds: ['store'], reorderDays: 3, coverDays: 7 },
  { kinds: ['dropship'], reorderDays: 14, coverDays: 70 },
];
/** Stores sell about this share of what the network sells (store channel and pickups). */
const STORE_SHARE = 0.15;

function demandShares(world: World): Map<string, number> {
  const locations = world.business.locations;
  const capacity = (kinds: readonly LocationKind[]) => locations.filter((l) => kinds.includes(l.kind)).reduce((n, l) => n + l.dailyCapacity, 0);
  const centres = capacity(['warehouse', '3pl']);
  const stores = capacity(['store']);
  const shares = new Map<string, number>();
  for (const l of locations) {
    if (l.kind === 'dropship') shares.set(l.code, 1);
    else if (l.kind === 'store') shares.set(l.code, (STORE_SHARE * l.dailyCapacity) / stores);
    else shares.set(l.code, ((1 - STORE_SHARE) * l.dailyCapacity) / centres);
  }
  return shares;
}

/**
 * The morning's restock. First the purchase orders whose lead time is up are received (the
 * receipt names the backorders it filled); then, under a reorder-point policy on each location's
 * position (available plus on order), warehouses, the 3PL and stores order from each SKU's
 * supplier: one submitted purchase order per supplier and location, received its lead time later.
 * The drop-ship vendor reports its own stock (receipt adjustments). SKUs held by a stock-out wait.
 */
export async function receiveRestock(world: World, day: Day, atMs: number): Promise<void> {
  await receiveDuePurchaseOrders(world, day, atMs);
  const codeById = new Map([...world.locationIdByCode].map(([code, id]) => [id, code]));
  const levels: StockLevel[] = [];
  for (const l of await listInventory(world.client)) {
    const code = codeById.get(l.locationId);
    if (code) levels.push({ sku: l.sku, locationCode: code, onHand: l.onHand - l.reserved + (world.purchasing.onOrder.get(`${l.sku}@${code}`) ?? 0) });
  }
  const shares = demandShares(world);
  const kindOf = new Map(world.business.locations.map((l) => [l.code, l.kind]));
  const held = (r: StockLevel) => world.heldReceipts.has(`${r.sku}@${r.locationCode}`) || world.heldReceipts.has(`${r.sku}@*`);
  const orders: StockLevel[] = [];
  const vendorReceipts: StockLevel[] = [];
  for (const p of POLICIES) {
    const atKinds = levels.filter((l) => p.kinds.includes(kindOf.get(l.locationCode)!));
    if (p.kinds.includes('dropship')) {
      vendorReceipts.push(...restockReceipts(atKinds, shares, world.dailyUnits, p.reorderDays, p.coverDays));
      continue;
    }
    // Ordered its lead time ahead: the position must last until the goods come.
    for (const supplier of new Set(world.purchasing.supplierOfSku.values())) {
      const sold = atKinds.filter((l) => world.purchasing.supplierOfSku.get(l.sku) === supplier);
      orders.push(...restockReceipts(sold, shares, world.dailyUnits, p.reorderDays + supplier.leadTimeDays, p.coverDays + supplier.leadTimeDays));
    }
  }
  await Promise.all([
    placePurchaseOrders(world, day, atMs, orders.filter((r) => r.onHand > 0 && !held(r))),
    ...vendorReceipts
      .filter((r) => r.onHand > 0 && !held(r))
      .map(async (r) => {
        const { body } = await world.client.request<{ backordersAllocated: string[] }>('POST', '/api/inventory/adjustments', {
          body: { sku: r.sku, locationId: world.locationIdByCode.get(r.locationCode)!, delta: r.onHand, reason: 'receipt', note: `restock ${day}` },
          idempotencyKey: `SIM-${world.seed}-restock-${day}-${r.sku}-${r.locationCode}`,
          asOf: atMs,
        });
        world.stats.receipts++;
        for (const orderId of body.backordersAllocated ?? []) if (world.orders.has(orderId)) world.awaitingRelease.add(orderId);
      }),
  ]);
}

/** One submitted purchase order per supplier and location, dated the reorder moment; received its lead time later. */
async function placePurchaseOrders(world: World, day: Day, atMs: number, needs: readonly StockLevel[]): Promise<void> {
  const groups = new Map<string, { supplier: SimSupplier; locationCode: string; lines: { sku: string; quantity: number }[] }>();
  for (const need of needs) {
    const supplier = world.purchasing.supplierOfSku.get(need.sku);
    if (!supplier) continue;
    const key = `${supplier.code}@${need.locationCode}`;
    const group = groups.get(key) ?? { supplier, locationCode: need.locationCode, lines: [] };
    group.lines.push({ sku: need.sku, quantity: need.onHand });
    groups.set(key, group);
  }
  await Promise.all(
    [...groups.values()].map(async ({ supplier, locationCode, lines }) => {
      const { body } = await world.client.request<{ id: string }>('POST', '/api/purchase-orders', {
        body: { supplierId: world.purchasing.supplierIdByCode.get(supplier.code)!, locationId: world.locationIdByCode.get(locationCode)!, lines, submit: true, source: `simulator:restock:${day}` },
        idempotencyKey: `SIM-${world.seed}-po-${day}-${supplier.code}-${locationCode}`,
        asOf: atMs,
      });
      world.stats.purchaseOrders++;
      for (const line of lines) world.purchasing.onOrder.set(`${line.sku}@${locationCode}`, (world.purchasing.onOrder.get(`${line.sku}@${locationCode}`) ?? 0) + line.quantity);
      const dueDay = addDays(day, supplier.leadTimeDays);
      world.purchasing.due.set(dueDay, [...(world.purchasing.due.get(dueDay) ?? []), { id: body.id, locationCode, lines }]);
    }),
  );
}

/** Receives in full the purchase orders due this morning; the stock goes to backorders first. */
async function receiveDuePurchaseOrders(world: World, day: Day, atMs: number): Promise<void> {
  const due = world.purchasing.due.get(day) ?? [];
  world.purchasing.due.delete(day);
  await Promise.all(
    due.map(async (po) => {
      const { body } = await world.client.request<{ backordersAllocated?: string[] }>('POST', `/api/purchase-orders/${po.id}/receive`, {
        body: { lines: po.lines },
        idempotencyKey: `SIM-${world.seed}-po-receipt-${po.id}`,
        asOf: atMs,
      });
      world.stats.receipts++;
      for (const line of po.lines) {
        const key = `${line.sku}@${po.locationCode}`;
        world.purchasing.onOrder.set(key, Math.max(0, (world.purchasing.onOrder.get(key) ?? 0) - line.quantity));
      }
      for (const orderId of body.backordersAllocated ?? []) if (world.orders.has(orderId)) world.awaitingRelease.add(orderId);
    }),
  );
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

import { addDays, dayToMs, type Day } from '../calendar.ts';
import { demandOver } from '../expected-demand.ts';
import type { LocationKind } from '../locations.ts';
import { defaultStockPolicy, demandShares, reorderQuantities, type Coverage, type StockLevel } from '../stock-plan.ts';
import { listOpenPurchaseOrders, placePurchaseOrders, receivePurchaseOrder } from './purchase-orders.ts';
import { listInventory } from './seed-business.ts';
import type { World } from './world.ts';

interface ReorderRule {
  kinds: readonly LocationKind[];
  /**
   * Days between two looks at a supplier's SKUs at a location (each pair on its own days): a
   * purchase must last until the next one can arrive, the lead time plus this.
   */
  reviewDays: number;
  /** Days of expected demand one purchase is meant to last beyond the reorder point. */
  cycleDays: number;
}

// Warehouses and the 3PL look every three days, stores weekly; both buy three weeks at a time.
const RULES: readonly ReorderRule[] = [
  { kinds: ['warehouse', '3pl'], reviewDays: 3, cycleDays: 21 },
  { kinds: ['store'], reviewDays: 7, cycleDays: 21 },
];
const VENDOR = { protectDays: 14, cycleDays: 56 };
const DAY_MS = 86_400_000;

/** Whether a supplier's SKUs at a location are reviewed on `day`: every `reviewDays`, each pair on its own weekday. */
function reviews(day: Day, supplierCode: string, locationCode: string, reviewDays: number): boolean {
  let hash = 0;
  for (const c of `${supplierCode}@${locationCode}`) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return (Math.round(dayToMs(day) / DAY_MS) + hash) % reviewDays === 0;
}

/** Receipts of this SKU at this location wait while a stock-out lasts. */
function held(world: World, sku: string, locationCode: string): boolean {
  return world.heldReceipts.has(`${sku}@${locationCode}`) || world.heldReceipts.has(`${sku}@*`);
}

/**
 * The morning's restock, from what Tower knows (so a restarted run carries on where the last one
 * stopped): the open purchase orders whose expected moment has come are received in full, except
 * lines of a SKU held by a stock-out (the receipt names the backorders it filled); on each level's
 * position (available plus still on order, what arrives now included), the (s, S) policy of
 * stock-plan.ts with safety stock for the expected demand over the supplier's lead time orders
 * more: one submitted purchase order per supplier and location, dated the reorder moment, sent in
 * a lane of its own beside the day's traffic. The drop-ship vendor reports its own stock (receipt
 * adjustments). Two rounds of requests hold the day up.
 */
export async function receiveRestock(world: World, day: Day, atMs: number): Promise<void> {
  const codeById = new Map([...world.locationIdByCode].map(([code, id]) => [id, code]));
  // What is on hand and what is on order, read together: units received now count as on order.
  const [open, levels] = await Promise.all([listOpenPurchaseOrders(world.client), listInventory(world.client)]);
  const onOrder = new Map<string, number>();
  for (const po of open) {
    const code = codeById.get(po.locationId);
    if (!code) continue;
    for (const line of po.lines) onOrder.set(`${line.sku}@${code}`, (onOrder.get(`${line.sku}@${code}`) ?? 0) + line.quantityOpen);
  }
  const receipts = dueReceipts(world, open, atMs);
  const positions: StockLevel[] = [];
  for (const l of levels) {
    const code = codeById.get(l.locationId);
    if (code && !held(world, l.sku, code)) positions.push({ sku: l.sku, locationCode: code, onHand: l.onHand - l.reserved + (onOrder.get(`${l.sku}@${code}`) ?? 0) });
  }
  const shares = demandShares(world.business);
  const kindOf = new Map(world.business.locations.map((l) => [l.code, l.kind]));
  const coverage = coverageOn(world, day);
  const reviewed = (rule: ReorderRule) => (p: StockLevel) => {
    const supplier = world.purchasing.supplierOfSku.get(p.sku);
    return supplier !== undefined && rule.kinds.includes(kindOf.get(p.locationCode)!) && reviews(day, supplier.code, p.locationCode, rule.reviewDays);
  };
  const purchases = RULES.flatMap((rule) =>
    reorderQuantities(positions.filter(reviewed(rule)), shares, (sku) => coverage(sku, rule.reviewDays, rule.cycleDays), defaultStockPolicy.safetyFactor),
  );
  const vendorProtect = demandOver(world.demandOn, day, VENDOR.protectDays);
  const vendorCycle = demandOver(world.demandOn, addDays(day, VENDOR.protectDays), VENDOR.cycleDays);
  const vendor = reorderQuantities(
    positions.filter((p) => kindOf.get(p.locationCode) === 'dropship'),
    shares,
    (sku) => ({ protect: vendorProtect.get(sku) ?? { mean: 0, variance: 0 }, cycle: vendorCycle.get(sku)?.mean ?? 0 }),
    0,
  );
  // New purchase orders change nothing until they arrive: they go out beside the day's traffic.
  world.scheduler.at(atMs, 'purchasing', () => placePurchaseOrders(world, day, atMs, purchases), { feeds: false });
  await Promise.all([...receipts.map(({ po, lines }) => receivePurchaseOrder(world, po, lines, day, atMs)), ...vendor.map((r) => reportVendorStock(world, day, atMs, r))]);
}

type OpenPurchaseOrder = Awaited<ReturnType<typeof listOpenPurchaseOrders>>[number];

/** The open purchase orders expected by `atMs`, each with the lines to receive (a stock-out's SKU waits). */
function dueReceipts(world: World, open: readonly OpenPurchaseOrder[], atMs: number): { po: OpenPurchaseOrder; lines: OpenPurchaseOrder['lines'] }[] {
  const codeById = new Map([...world.locationIdByCode].map(([code, id]) => [id, code]));
  return open.flatMap((po) => {
    const code = codeById.get(po.locationId);
    if (!code || po.expectedAt === null || Date.parse(po.expectedAt) > atMs) return [];
    const lines = po.lines.filter((l) => l.quantityOpen > 0 && !held(world, l.sku, code));
    return lines.length > 0 ? [{ po, lines }] : [];
  });
}

/**
 * Imported days' mornings: the goods an earlier run ordered arrive when due (a restart after a
 * gap), though imported history orders nothing (it moved no stock to reorder for).
 */
export async function receiveDuePurchaseOrders(world: World, day: Day, atMs: number): Promise<number> {
  const open = await listOpenPurchaseOrders(world.client);
  await Promise.all(dueReceipts(world, open, atMs).map(({ po, lines }) => receivePurchaseOrder(world, po, lines, day, atMs)));
  return open.length;
}

/** What a SKU's purchase today must cover: demand over its supplier's lead time and the review period, then `cycleDays`. */
function coverageOn(world: World, day: Day): (sku: string, reviewDays: number, cycleDays: number) => Coverage | undefined {
  const byLead = new Map<number, ReturnType<typeof demandOver>>();
  const cycles = new Map<string, ReturnType<typeof demandOver>>();
  return (sku, reviewDays, cycleDays) => {
    const supplier = world.purchasing.supplierOfSku.get(sku);
    if (!supplier) return undefined;
    const protectDays = supplier.leadTimeDays + reviewDays;
    let protect = byLead.get(protectDays);
    if (!protect) byLead.set(protectDays, (protect = demandOver(world.demandOn, day, protectDays)));
    const cycleKey = `${protectDays}/${cycleDays}`;
    let cycle = cycles.get(cycleKey);
    if (!cycle) cycles.set(cycleKey, (cycle = demandOver(world.demandOn, addDays(day, protectDays), cycleDays)));
    const p = protect.get(sku);
    return p ? { protect: p, cycle: cycle.get(sku)?.mean ?? 0 } : undefined;
  };
}

async function reportVendorStock(world: World, day: Day, atMs: number, r: StockLevel): Promise<void> {
  const { body } = await world.client.request<{ backordersAllocated?: string[] }>('POST', '/api/inventory/adjustments', {
    body: { sku: r.sku, locationId: world.locationIdByCode.get(r.locationCode)!, delta: r.onHand, reason: 'receipt', note: `restock ${day}` },
    idempotencyKey: `SIM-${world.seed}-restock-${day}-${r.sku}-${r.locationCode}`,
    asOf: atMs,
    priority: true,
  });
  world.stats.receipts++;
  for (const orderId of body.backordersAllocated ?? []) if (world.orders.has(orderId)) world.awaitingRelease.add(orderId);
}

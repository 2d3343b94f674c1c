import type { Day } from '../calendar.ts';
import type { SimSupplier } from '../suppliers.ts';
import { TowerError, type TowerClient } from './tower-client.ts';
import type { World } from './world.ts';

/** The fields of Tower's PurchaseOrder answer the driver reads. */
export interface TowerPurchaseOrder {
  id: string;
  number: string;
  locationId: string;
  status: string;
  expectedAt: string | null;
  source: string | null;
  lines: { sku: string; quantityOrdered: number; quantityOpen: number }[];
}

/** Statuses of a purchase order whose goods are still to come. */
const OPEN_STATUSES = ['submitted', 'partially_received'] as const;
const PAGE = 200;

/**
 * Every purchase order Tower still expects goods for, whoever raised it (the simulator's restock,
 * a planner's approved proposal): what is on order is read back from Tower, never remembered, so
 * a restarted run neither orders twice nor leaves goods unreceived.
 */
export async function listOpenPurchaseOrders(client: TowerClient): Promise<TowerPurchaseOrder[]> {
  const pages = await Promise.all(
    OPEN_STATUSES.map(async (status) => {
      const found: TowerPurchaseOrder[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?status=${status}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const { body } = await client.request<{ items: TowerPurchaseOrder[]; nextCursor: string | null }>('GET', `/api/purchase-orders${query}`, { priority: true });
        found.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      return found;
    }),
  );
  return pages.flat();
}

/** Receives these lines of a purchase order, as many units as are still open; the stock goes to backorders first. */
export async function receivePurchaseOrder(world: World, po: TowerPurchaseOrder, lines: TowerPurchaseOrder['lines'], day: Day, atMs: number): Promise<void> {
  const { body } = await world.client.request<{ backordersAllocated?: string[] }>('POST', `/api/purchase-orders/${po.id}/receive`, {
    body: { lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantityOpen })) },
    idempotencyKey: `SIM-${world.seed}-po-receipt-${po.id}-${day}`,
    asOf: atMs,
    // The day's orders after the morning's receipts wait for them: ahead of the lanes' requests.
    priority: true,
  });
  world.stats.receipts++;
  for (const orderId of body.backordersAllocated ?? []) if (world.orders.has(orderId)) world.awaitingRelease.add(orderId);
}

/**
 * One submitted purchase order per supplier and location, dated the reorder moment; Tower expects
 * it the supplier's lead time later. An order this day already placed (an earlier run of the same
 * day, its position since changed) is a 422 idempotency conflict and is left as it is.
 */
export async function placePurchaseOrders(world: World, day: Day, atMs: number, needs: readonly { sku: string; locationCode: string; onHand: number }[]): Promise<void> {
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
      try {
        await world.client.request('POST', '/api/purchase-orders', {
          body: { supplierId: world.purchasing.supplierIdByCode.get(supplier.code)!, locationId: world.locationIdByCode.get(locationCode)!, lines, submit: true, source: `simulator:restock:${day}` },
          idempotencyKey: `SIM-${world.seed}-po-${day}-${supplier.code}-${locationCode}`,
          asOf: atMs,
        });
      } catch (error) {
        if (error instanceof TowerError && error.type === 'idempotency_conflict') return;
        throw error;
      }
      world.stats.purchaseOrders++;
    }),
  );
}


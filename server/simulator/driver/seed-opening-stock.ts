import type { StockLevel } from '../stock-plan.ts';
import type { SimSupplier } from '../suppliers.ts';
import { listInventory } from './seed-business.ts';
import { TowerError, type TowerClient } from './tower-client.ts';

export interface OpeningStockContext {
  client: TowerClient;
  seed: number;
  locationIdByCode: ReadonlyMap<string, string>;
  supplierIdByCode: ReadonlyMap<string, string>;
  supplierOfSku: ReadonlyMap<string, SimSupplier>;
}

/**
 * The opening stock, where Tower has no level yet (a second seeding never doubles it), through
 * the purchasing path like every later restock: one purchase order per supplier and location,
 * placed at `orderedAtMs` and received at `receivedAtMs` in full (the stock a business starts with). The drop-ship vendor's
 * own stock, bought from nobody, is reported as receipt adjustments. About 80 purchase orders
 * instead of 2,000 adjustments.
 */
export async function seedOpeningStock(ctx: OpeningStockContext, opening: readonly StockLevel[], orderedAtMs: number, receivedAtMs: number): Promise<number> {
  const stocked = new Set((await listInventory(ctx.client)).map((l) => `${l.sku}@${l.locationId}`));
  const missing = opening.filter((s) => s.onHand > 0 && !stocked.has(`${s.sku}@${ctx.locationIdByCode.get(s.locationCode)}`));
  const groups = new Map<string, { supplier: SimSupplier; locationCode: string; lines: { sku: string; quantity: number }[] }>();
  const vendor: StockLevel[] = [];
  for (const level of missing) {
    const supplier = ctx.supplierOfSku.get(level.sku);
    if (!supplier) {
      vendor.push(level);
      continue;
    }
    const key = `${supplier.code}@${level.locationCode}`;
    const group = groups.get(key) ?? { supplier, locationCode: level.locationCode, lines: [] };
    group.lines.push({ sku: level.sku, quantity: level.onHand });
    groups.set(key, group);
  }
  await Promise.all([
    ...[...groups.values()].map(async ({ supplier, locationCode, lines }) => {
      const key = `SIM-${ctx.seed}-opening-${supplier.code}-${locationCode}`;
      let id: string;
      try {
        const { body } = await ctx.client.request<{ id: string }>('POST', '/api/purchase-orders', {
          body: { supplierId: ctx.supplierIdByCode.get(supplier.code)!, locationId: ctx.locationIdByCode.get(locationCode)!, lines, submit: true, source: 'simulator:opening-stock' },
          idempotencyKey: key,
          asOf: orderedAtMs,
        });
        id = body.id;
      } catch (error) {
        // Placed by an earlier seeding sized for another day: its receipt is that seeding's (or the restock's) to make.
        if (error instanceof TowerError && error.type === 'idempotency_conflict') return;
        throw error;
      }
      await ctx.client.request('POST', `/api/purchase-orders/${id}/receive`, { body: { lines, note: 'opening stock' }, idempotencyKey: `${key}-receipt`, asOf: receivedAtMs });
    }),
    ...vendor.map((s) =>
      ctx.client.request('POST', '/api/inventory/adjustments', {
        body: { sku: s.sku, locationId: ctx.locationIdByCode.get(s.locationCode)!, delta: s.onHand, reason: 'receipt', note: 'opening stock' },
        idempotencyKey: `SIM-${ctx.seed}-opening-${s.sku}-${s.locationCode}`,
        asOf: receivedAtMs,
      }),
    ),
  ]);
  return missing.length;
}

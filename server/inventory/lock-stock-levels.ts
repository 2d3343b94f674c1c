import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

export interface StockKey {
  sku: string;
  locationId: string;
}

/**
 * Locks these inventory levels for the rest of the transaction, creating those that do not
 * exist yet, in (sku, location) order: the order every stock command takes level locks in, so
 * a command that goes on to move them in another order (a batch, item after item) never
 * deadlocks with order capture, releases or hand-overs.
 */
export async function lockStockLevels(tx: Executor, keys: readonly StockKey[]): Promise<void> {
  const unique = [...new Map(keys.map((k) => [`${k.sku}\u0000${k.locationId}`, k])).values()];
  if (unique.length === 0) return;
  const skus = sql.param(unique.map((k) => k.sku));
  const locations = sql.param(unique.map((k) => k.locationId));
  await tx.execute(sql`
    insert into inventory_levels (sku, location_id)
    select sku, location_id from unnest(${skus}::text[], ${locations}::uuid[]) as k(sku, location_id) order by sku, location_id
    on conflict do nothing`);
  await tx.execute(sql`
    select 1 from inventory_levels l join unnest(${skus}::text[], ${locations}::uuid[]) as k(sku, location_id)
      on l.sku = k.sku and l.location_id = k.location_id
    order by l.sku, l.location_id for update of l`);
}

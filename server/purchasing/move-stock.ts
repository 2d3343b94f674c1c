import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { inventoryLedger, inventoryLevels } from '#db/schema/inventory.ts';
import { OutOfStockError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { NewEvent } from '#server/outbox/append-events.ts';

export interface StockMovement {
  sku: string;
  locationId: string;
  /** Positive: units arrive; negative: units leave. */
  delta: number;
  reason: 'receipt' | 'transfer_in' | 'transfer_out';
  note: string;
  occurredAt: Date;
  /** Where the movement came from in the request (`lines.2.quantity`), for a refusal. */
  path: string;
}

/**
 * Moves on-hand stock of one SKU at one location with its ledger row, and returns the
 * inventory.adjusted event that adjustInventory would write for it. The level row is locked;
 * units leaving may never take on-hand below what is reserved for orders (a 409 naming the line).
 */
export async function moveStock(tx: Executor, m: StockMovement): Promise<{ event: NewEvent; ledgerId: number; onHand: number }> {
  await tx.insert(inventoryLevels).values({ sku: m.sku, locationId: m.locationId }).onConflictDoNothing();
  const locked = await tx.execute<{ on_hand: number; reserved: number }>(
    sql`select on_hand, reserved from inventory_levels where sku = ${m.sku} and location_id = ${m.locationId} for update`,
  );
  const before = locked.rows[0];
  if (!before) throw new Error('inventory level missing right after its upsert');
  const onHand = before.on_hand + m.delta;
  if (onHand < before.reserved) {
    const movable = Math.max(0, before.on_hand - before.reserved);
    throw new OutOfStockError([{ sku: m.sku, requested: -m.delta, available: movable }], [m.path]);
  }
  await tx
    .update(inventoryLevels)
    .set({ onHand, updatedAt: sql`now()` })
    .where(sql`${inventoryLevels.sku} = ${m.sku} and ${inventoryLevels.locationId} = ${m.locationId}`);
  const [ledger] = await tx
    .insert(inventoryLedger)
    .values({ sku: m.sku, locationId: m.locationId, onHandDelta: m.delta, reason: m.reason, note: m.note, occurredAt: m.occurredAt })
    .returning({ id: inventoryLedger.id });
  return {
    ledgerId: ledger!.id,
    onHand,
    event: {
      type: EventType.inventoryAdjusted,
      aggregateType: 'inventory',
      aggregateId: m.locationId,
      occurredAt: m.occurredAt,
      payload: { sku: m.sku, locationId: m.locationId, delta: m.delta, reason: m.reason, onHand, reserved: before.reserved },
    },
  };
}

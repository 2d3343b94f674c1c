import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
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

export interface MovedStock {
  event: NewEvent;
  ledgerId: number;
  onHand: number;
}

/**
 * Moves on-hand stock of one SKU at one location with its ledger row, and returns the
 * inventory.adjusted event that adjustInventory would write for it. The level row is locked;
 * units leaving may never take on-hand below what is reserved for orders (a 409 naming the line).
 */
export async function moveStock(tx: Executor, m: StockMovement): Promise<MovedStock> {
  return (await moveStocks(tx, [m]))[0]!;
}

/**
 * moveStock for several SKUs of one location at once, in three statements whatever their number
 * (a receipt of 60 lines made 240 one by one): the levels created where missing, locked and read
 * in SKU order (the order every stock command locks levels in), checked in the order given (the
 * first that would take on-hand below what is reserved is the 409, as one by one), then moved
 * with their ledger rows numbered in the order given. Each SKU at most once.
 */
export async function moveStocks(tx: Executor, moves: readonly StockMovement[]): Promise<MovedStock[]> {
  if (moves.length === 0) return [];
  const locationId = moves[0]!.locationId;
  if (moves.some((m) => m.locationId !== locationId) || new Set(moves.map((m) => m.sku)).size !== moves.length) {
    throw new Error('moveStocks moves distinct SKUs of one location');
  }
  const skus = moves.map((m) => m.sku);
  await tx.execute(sql`
    insert into inventory_levels (sku, location_id)
    select sku, ${locationId}::uuid from unnest(${sql.param(skus)}::text[]) as m(sku) order by sku
    on conflict do nothing`);
  const locked = await tx.execute<{ sku: string; on_hand: number; reserved: number }>(sql`
    select sku, on_hand, reserved from inventory_levels
    where location_id = ${locationId} and sku = any(${sql.param(skus)}::text[])
    order by sku for update`);
  const levelOf = new Map(locked.rows.map((r) => [r.sku, r]));
  const onHands = moves.map((m) => {
    const before = levelOf.get(m.sku);
    if (!before) throw new Error('inventory level missing right after its upsert');
    const onHand = before.on_hand + m.delta;
    if (onHand < before.reserved) {
      const movable = Math.max(0, before.on_hand - before.reserved);
      throw new OutOfStockError([{ sku: m.sku, requested: -m.delta, available: movable }], [m.path]);
    }
    return onHand;
  });
  const ledger = await tx.execute<{ id: number; sku: string }>(sql`
    with m as (
      select * from unnest(${sql.param(skus)}::text[], ${sql.param(onHands)}::int[], ${sql.param(moves.map((m) => m.delta))}::int[],
        ${sql.param(moves.map((m) => m.reason))}::inventory_ledger_reason[], ${sql.param(moves.map((m) => m.note))}::text[],
        ${sql.param(moves.map((m) => m.occurredAt.toISOString()))}::timestamptz[]) with ordinality as m(sku, on_hand, delta, reason, note, at, ord)
    ), levels as (
      update inventory_levels l set on_hand = m.on_hand, updated_at = now()
      from m where l.sku = m.sku and l.location_id = ${locationId}
    )
    insert into inventory_ledger (sku, location_id, on_hand_delta, reason, note, occurred_at)
    select sku, ${locationId}::uuid, delta, reason, note, at from m order by ord
    returning id, sku`);
  const ledgerIdOf = new Map(ledger.rows.map((r) => [r.sku, Number(r.id)]));
  return moves.map((m, i) => {
    const before = levelOf.get(m.sku)!;
    return {
      ledgerId: ledgerIdOf.get(m.sku)!,
      onHand: onHands[i]!,
      event: {
        type: EventType.inventoryAdjusted,
        aggregateType: 'inventory',
        aggregateId: m.locationId,
        occurredAt: m.occurredAt,
        payload: { sku: m.sku, locationId: m.locationId, delta: m.delta, reason: m.reason, onHand: onHands[i]!, reserved: before.reserved },
      },
    };
  });
}

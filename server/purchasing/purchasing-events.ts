import type { Executor } from '#db/client.ts';
import type { EventType } from '#server/core/events.ts';
import { insertOutboxEvents, type NewEvent } from '#server/outbox/append-events.ts';

export interface PurchasingEvent {
  type: EventType;
  aggregateType: 'purchase_order' | 'transfer';
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/**
 * Writes purchasing events, and the inventory.adjusted events of their stock movements, in the
 * caller's transaction and in their order. The outbox's aggregate type is free text; appendEvents'
 * type names only the older aggregates, so this takes the wider type, the same insert.
 */
export async function appendPurchasingEvents(tx: Executor, events: (PurchasingEvent | NewEvent)[]): Promise<void> {
  await insertOutboxEvents(tx, events);
}

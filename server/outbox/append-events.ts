import { outbox } from '#db/schema/outbox.ts';
import type { Executor } from '#db/client.ts';
import type { EventType } from '#server/core/events.ts';

export interface NewEvent {
  type: EventType;
  aggregateType: 'order' | 'inventory' | 'product' | 'location';
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Writes events in the caller's transaction, so they exist exactly when the change does. */
export async function appendEvents(tx: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(events);
}

import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { executePrepared } from '#db/prepared-query.ts';
import type { EventType } from '#server/core/events.ts';

export interface NewEvent {
  type: EventType;
  aggregateType: 'order' | 'inventory' | 'product' | 'location';
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** An event of any aggregate, as the outbox stores it (its aggregate type is free text). */
export interface OutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Writes events in the caller's transaction, so they exist exactly when the change does. */
export async function appendEvents(tx: Executor, events: NewEvent[]): Promise<void> {
  await insertOutboxEvents(tx, events);
}

/**
 * The outbox rows of `events`, numbered in their order. One statement text whatever the number
 * of events, prepared once per connection: drizzle's multi-row insert had a text of its own per
 * row count (119 of them in a 2-day backfill), each built by drizzle and parsed and planned anew.
 */
export async function insertOutboxEvents(tx: Executor, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({ t: e.type, g: e.aggregateType, a: e.aggregateId, o: e.occurredAt, p: e.payload }));
  await executePrepared(tx, 'insert-outbox-events', sql`
    insert into outbox (type, aggregate_type, aggregate_id, occurred_at, payload)
    select e.t, e.g, e.a, e.o, e.p
    from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (t text, g text, a uuid, o timestamptz, p jsonb)) with ordinality as e(t, g, a, o, p, n)
    order by e.n`);
}

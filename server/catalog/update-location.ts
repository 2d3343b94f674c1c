import { eq } from 'drizzle-orm';
import { locations } from '#db/schema/locations.ts';
import { pgErrorCode } from '#db/errors.ts';
import { NotFoundError, ValidationError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { toLocation } from './catalog-views.ts';
import type { Location, UpdateLocationInput } from './catalog.schemas.ts';

/**
 * Changes what a location offers: its capacity and costs, whether it ships or hands out
 * pickups, whether it is open at all. Sourcing sees the change from the next order on;
 * orders already routed there stay until staff reject their shipments (which re-sources them).
 */
export async function updateLocation(ctx: ServiceContext, id: string, input: UpdateLocationInput): Promise<Location> {
  const occurredAt = ctx.clock.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx.update(locations).set(input).where(eq(locations.id, id)).returning();
      if (!row) throw new NotFoundError(`Location ${id}`);
      await appendEvents(tx, [
        { type: EventType.locationUpdated, aggregateType: 'location', aggregateId: row.id, occurredAt, payload: { code: row.code, kind: row.kind, changes: input } },
      ]);
      return toLocation(row);
    });
  } catch (error) {
    // 23514: the check that a drop-ship vendor has no pickup counter.
    if (pgErrorCode(error) === '23514') throw ValidationError.field('offersPickup', 'a drop-ship vendor has no pickup counter');
    throw error;
  }
}

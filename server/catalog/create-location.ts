import { locations } from '#db/schema/locations.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { ConflictError } from '#server/core/errors.ts';
import { EventType } from '#server/core/events.ts';
import type { ServiceContext } from '#server/context.ts';
import { appendEvents } from '#server/outbox/append-events.ts';
import { toLocation } from './catalog-views.ts';
import type { CreateLocationInput, Location } from './catalog.schemas.ts';

export async function createLocation(ctx: ServiceContext, input: CreateLocationInput): Promise<Location> {
  const occurredAt = ctx.clock.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(locations)
        .values({
          ...input,
          shipsToCustomers: input.shipsToCustomers ?? input.kind !== 'dropship',
          offersPickup: input.offersPickup ?? input.kind === 'store',
          createdAt: occurredAt,
        })
        .returning();
      if (!row) throw new Error('location insert returned nothing');
      await appendEvents(tx, [
        {
          type: EventType.locationCreated,
          aggregateType: 'location',
          aggregateId: row.id,
          occurredAt,
          payload: {
            code: row.code, name: row.name, kind: row.kind, lat: row.lat, lon: row.lon, dailyCapacity: row.dailyCapacity,
            shipsToCustomers: row.shipsToCustomers, offersPickup: row.offersPickup,
          },
        },
      ]);
      return toLocation(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`A location with code ${input.code} already exists`, [{ path: 'code', message: 'already exists' }]);
    throw error;
  }
}

import { ForbiddenError } from '#server/core/errors.ts';
import { mayUseChannel, mayUseLocation, type Actor } from './actor.ts';

/** 403 naming `channel` when an API token limited to other channels places an order. */
export function requireChannel(actor: Actor | null, channel: string): void {
  if (!mayUseChannel(actor, channel)) {
    throw new ForbiddenError(`This API token may not create orders on the ${channel} channel`, [
      { path: 'channel', message: 'is not one of the channels of this API token' },
    ]);
  }
}

/** 403 naming `locationId` when staff limited to other locations act on this one. */
export function requireLocation(actor: Actor | null, locationId: string): void {
  if (!mayUseLocation(actor, locationId)) {
    throw new ForbiddenError('You may only act on your own locations', [{ path: 'locationId', message: 'is not one of your locations' }]);
  }
}

import { can, type Actor } from '#server/auth/actor.ts';
import type { Action } from '#server/auth/permissions.ts';

/**
 * The one table of which socket.io room an actor joins for which permission: a socket is in a
 * room exactly when its actor may read what is broadcast there.
 */
export const roomPermissions = {
  orders: 'orders:read',
  kpis: 'analytics:read',
  alerts: 'alerts:read',
  inventory: 'inventory:read',
  forecasts: 'forecasts:read',
} as const satisfies Record<string, Action>;

export type BroadcastRoom = keyof typeof roomPermissions;
/** A location's room; only users limited to locations join theirs (see `roomsFor`). */
export type LocationRoom = `location:${string}`;
export type Room = BroadcastRoom | LocationRoom;

export const broadcastRooms = Object.keys(roomPermissions) as BroadcastRoom[];

export function locationRoom(locationId: string): LocationRoom {
  return `location:${locationId}`;
}

/**
 * Rooms whose messages may concern any location: a user limited to some locations gets only
 * their locations' share, through their location rooms (as the HTTP API shows them only those).
 */
const wholeNetworkRooms: readonly BroadcastRoom[] = ['alerts'];

/** Every room this actor belongs in, from `roomPermissions` and its locations. */
export function roomsFor(actor: Actor): Room[] {
  const limited = actor.kind === 'user' && actor.locationIds !== null;
  const rooms: Room[] = broadcastRooms.filter((room) => can(actor, roomPermissions[room]) && !(limited && wholeNetworkRooms.includes(room)));
  if (actor.kind === 'user' && actor.locationIds) rooms.push(...new Set(actor.locationIds.map(locationRoom)));
  return rooms;
}

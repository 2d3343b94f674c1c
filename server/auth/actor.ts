import type { Action, Role, SalesChannel } from './permissions.ts';
import { rolesAllow } from './permissions.ts';

/** Who is making a request: a signed-in user or an integration's API token. */
export type Actor =
  | {
      kind: 'user';
      id: string;
      label: string;
      roles: Role[];
      /** Locations this user may act on; null when not limited. */
      locationIds: string[] | null;
      /** SHA-256 of the session secret: the session's key. */
      sessionId: string;
      csrfToken: string;
      expiresAt: string;
    }
  | {
      kind: 'token';
      id: string;
      label: string;
      roles: Role[];
      /** Sales channels this token may create orders for; null when not limited. */
      channels: SalesChannel[] | null;
      expiresAt: string | null;
    };

export function can(actor: Actor, action: Action): boolean {
  return rolesAllow(actor.roles, action);
}

/** Whether the actor may place orders on this channel (tokens can be limited to theirs). */
export function mayUseChannel(actor: Actor | null, channel: string): boolean {
  return actor?.kind !== 'token' || actor.channels === null || (actor.channels as string[]).includes(channel);
}

/** Whether the actor may act on this location (staff can be limited to theirs). */
export function mayUseLocation(actor: Actor | null, locationId: string): boolean {
  return actor?.kind !== 'user' || actor.locationIds === null || actor.locationIds.includes(locationId);
}

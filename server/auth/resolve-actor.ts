import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import type { Actor } from './actor.ts';
import type { Role, SalesChannel } from './permissions.ts';
import { hashSecret } from './secrets.ts';

export interface Credentials {
  /** The secret of an `Authorization: Bearer` header. */
  bearer?: string | undefined;
  /** The secret of the session cookie. */
  session?: string | undefined;
}

export type Resolution = { actor: Actor } | { actor: null; reason: string };

/** Credentials that were checked recently; revocation through this process clears them at once. */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const REFRESH_AHEAD_MS = 1_000;

/**
 * Turns the credentials of a request into an actor. A valid answer is remembered for a few
 * seconds: looking the secret up on every request would add a query to every order. Another
 * Tower instance's logout or revocation takes effect here within those seconds.
 */
export class ActorResolver {
  private readonly cache = new Map<string, { resolution: Resolution; until: number }>();
  /** Look-ups under way: when an answer expires under load, one query refreshes it for everyone. */
  private readonly loading = new Map<string, Promise<Resolution>>();

  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async resolve(credentials: Credentials): Promise<Resolution> {
    if (credentials.bearer !== undefined) return this.cached(`t:${hashSecret(credentials.bearer)}`, (hash) => this.token(hash));
    if (credentials.session !== undefined) return this.cached(`s:${hashSecret(credentials.session)}`, (hash) => this.session(hash));
    return { actor: null, reason: 'Sign in or send an API token' };
  }

  /** Forgets every cached answer for these secrets' hashes (logout, revocation, role change). */
  forget(predicate: (actor: Actor) => boolean): void {
    for (const [key, entry] of this.cache) {
      if (entry.resolution.actor && predicate(entry.resolution.actor)) this.cache.delete(key);
    }
  }

  private async cached(key: string, load: (hash: string) => Promise<Resolution>): Promise<Resolution> {
    const hit = this.cache.get(key);
    const nowMs = this.now().getTime();
    if (hit && hit.until > nowMs) {
      // Refreshed shortly before it expires, so a busy integration never waits for the look-up.
      if (hit.until - nowMs < REFRESH_AHEAD_MS) this.single(key, load, nowMs).catch(() => undefined);
      return hit.resolution;
    }
    return this.single(key, load, nowMs);
  }

  /**
   * One look-up per key at a time: without it, every request of an integration arriving while
   * its token's answer was refreshed ran its own UPDATE of the same api_tokens row, each
   * waiting for the one before (a stall of the whole integration every few seconds).
   */
  private single(key: string, load: (hash: string) => Promise<Resolution>, nowMs: number): Promise<Resolution> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = this.load(key, load, nowMs).finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }

  private async load(key: string, load: (hash: string) => Promise<Resolution>, nowMs: number): Promise<Resolution> {
    const resolution = await load(key.slice(2));
    if (resolution.actor) {
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      // Never remembered past the session's or token's own expiry.
      const ends = resolution.actor.expiresAt === null ? Infinity : Date.parse(resolution.actor.expiresAt);
      this.cache.set(key, { resolution, until: Math.min(nowMs + CACHE_MS, ends) });
    } else this.cache.delete(key);
    return resolution;
  }

  private async token(hash: string): Promise<Resolution> {
    const { rows } = await this.db.execute<{
      id: string;
      name: string;
      roles: Role[];
      channels: SalesChannel[] | null;
      expires_at: string | null;
      usable: boolean;
      revoked: boolean;
    }>(sql`
      update api_tokens set last_used_at = now()
      where token_hash = ${hash}
      returning id, name, roles::text[] as roles, channels::text[] as channels, expires_at,
        revoked_at is null and (expires_at is null or expires_at > ${this.now()}) as usable, revoked_at is not null as revoked`);
    const row = rows[0];
    if (!row) return { actor: null, reason: 'The API token is not valid' };
    if (!row.usable) return { actor: null, reason: row.revoked ? 'The API token was revoked' : 'The API token has expired' };
    const expiresAt = row.expires_at === null ? null : new Date(row.expires_at).toISOString();
    return { actor: { kind: 'token', id: row.id, label: row.name, roles: row.roles, channels: row.channels, expiresAt } };
  }

  private async session(hash: string): Promise<Resolution> {
    const { rows } = await this.db.execute<{
      user_id: string;
      email: string;
      roles: Role[];
      active: boolean;
      csrf_token: string;
      expires_at: string;
      revoked: boolean;
      location_ids: string[] | null;
    }>(sql`
      select s.user_id, u.email, u.roles::text[] as roles, u.active, s.csrf_token, s.expires_at, s.revoked_at is not null as revoked,
        (select array_agg(ul.location_id) from user_locations ul where ul.user_id = u.id) as location_ids
      from sessions s join users u on u.id = s.user_id
      where s.token_hash = ${hash}`);
    const row = rows[0];
    if (!row || row.revoked) return { actor: null, reason: 'The session has ended; sign in again' };
    const expiresAt = new Date(row.expires_at).getTime();
    if (expiresAt <= this.now().getTime()) return { actor: null, reason: 'The session has expired; sign in again' };
    if (!row.active) return { actor: null, reason: 'This account is disabled' };
    return {
      actor: {
        kind: 'user',
        id: row.user_id,
        label: row.email,
        roles: row.roles,
        locationIds: row.location_ids,
        sessionId: hash,
        csrfToken: row.csrf_token,
        expiresAt: new Date(expiresAt).toISOString(),
      },
    };
  }
}

import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { RateLimitedError, UnauthorizedError } from '#server/core/errors.ts';
import { verifyDecoy, verifyPassword } from './passwords.ts';
import type { Role } from './permissions.ts';
import { newSecret, hashSecret } from './secrets.ts';

/** Failed attempts allowed per email before each further one waits. */
export const FREE_FAILURES = 5;
const FIRST_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 15 * 60;
/** Failures older than this are forgotten. */
const FAILURE_MEMORY = '24 hours';

export function lockSeconds(failures: number): number {
  return Math.min(FIRST_LOCK_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_SECONDS);
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  locationIds: string[] | null;
}

export interface NewSession {
  user: SignedInUser;
  /** The cookie's secret; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Checks an email and password and opens a session. Every email, known or not, gets
 * FREE_FAILURES attempts; after that each attempt waits for a lock that doubles with every
 * failure. The attempt is counted before the password is checked, so a burst of parallel
 * guesses cannot slip past the count. Wrong email and wrong password get the same answer.
 */
export async function login(
  db: Database,
  input: { email: string; password: string; ip: string; userAgent: string | undefined },
  options: { now: Date; sessionTtlHours: number },
): Promise<NewSession> {
  const email = input.email.trim().toLowerCase();
  const { now } = options;
  const attempt = await db.execute<{ failures: number }>(sql`
    insert into login_throttle as t (email, failures, last_failure_at) values (${email}, 1, ${now})
    on conflict (email) do update
      set failures = case when t.last_failure_at < ${now}::timestamptz - ${FAILURE_MEMORY}::interval then 1 else t.failures + 1 end,
          last_failure_at = ${now}, locked_until = null
      where t.failures < ${FREE_FAILURES}
         or t.last_failure_at < ${now}::timestamptz - ${FAILURE_MEMORY}::interval
         or (t.locked_until is not null and t.locked_until <= ${now})
    returning failures`);
  const failures = attempt.rows[0]?.failures;
  if (failures === undefined) {
    const { rows } = await db.execute<{ locked_until: string | null; failures: number }>(
      sql`select locked_until, failures from login_throttle where email = ${email}`,
    );
    const until = rows[0]?.locked_until ? Date.parse(rows[0].locked_until) : now.getTime() + lockSeconds(rows[0]?.failures ?? FREE_FAILURES) * 1000;
    throw new RateLimitedError('Too many failed sign-ins for this email; wait before trying again', Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }

  const { rows } = await db.execute<{ id: string; email: string; name: string; password_hash: string; roles: Role[]; active: boolean; location_ids: string[] | null }>(sql`
    select u.id, u.email, u.name, u.password_hash, u.roles::text[] as roles, u.active,
      (select array_agg(ul.location_id) from user_locations ul where ul.user_id = u.id) as location_ids
    from users u where u.email = ${email}`);
  const user = rows[0];
  const ok = user ? (await verifyPassword(user.password_hash, input.password)) && user.active : (await verifyDecoy(input.password), false);
  if (!user || !ok) {
    if (failures >= FREE_FAILURES) {
      await db.execute(sql`update login_throttle set locked_until = ${new Date(now.getTime() + lockSeconds(failures) * 1000)} where email = ${email}`);
    }
    throw new UnauthorizedError('The email or password is wrong');
  }

  await db.execute(sql`delete from login_throttle where email = ${email}`);
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + options.sessionTtlHours * 3_600_000);
  await db.execute(sql`
    insert into sessions (token_hash, user_id, csrf_token, created_at, expires_at, ip, user_agent)
    values (${hashSecret(token)}, ${user.id}, ${csrfToken}, ${now}, ${expiresAt}, ${input.ip}, ${input.userAgent?.slice(0, 300) ?? null})`);
  return {
    user: { id: user.id, email: user.email, name: user.name, roles: user.roles, locationIds: user.location_ids },
    token,
    csrfToken,
    expiresAt,
  };
}

/** Ends one session (logout). */
export async function endSession(db: Database, sessionId: string, now: Date): Promise<void> {
  await db.execute(sql`update sessions set revoked_at = ${now} where token_hash = ${sessionId} and revoked_at is null`);
}

/** Ends every session of a user (password reset, account disabled, roles changed). */
export async function endUserSessions(db: Database, userId: string, now: Date): Promise<void> {
  await db.execute(sql`update sessions set revoked_at = ${now} where user_id = ${userId} and revoked_at is null`);
}

/** Sessions past their expiry are of no use to anyone; purged with the other housekeeping. */
export async function purgeEndedSessions(db: Database, now: Date): Promise<number> {
  const result = await db.execute(sql`delete from sessions where expires_at < ${now}::timestamptz - interval '7 days'`);
  return result.rowCount ?? 0;
}

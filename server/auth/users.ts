import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { isForeignKeyViolation, isUniqueViolation } from '#db/errors.ts';
import { ConflictError, NotFoundError, ValidationError } from '#server/core/errors.ts';
import { endUserSessions } from './login.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.ts';
import type { Role } from './permissions.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  /** Locations the user is limited to; null when not limited. */
  locationIds: string[] | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  roles: Role[];
  locationIds?: string[] | null | undefined;
}

const selectUser = sql`
  select u.id, u.email, u.name, u.roles::text[] as roles, u.active, u.created_at, u.updated_at,
    (select array_agg(ul.location_id order by ul.location_id) from user_locations ul where ul.user_id = u.id) as location_ids
  from users u`;

type UserRow = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  active: boolean;
  created_at: string;
  updated_at: string;
  location_ids: string[] | null;
};

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    locationIds: row.location_ids,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function checkPassword(password: string, path = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw ValidationError.field(path, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

export async function createUser(db: Database, input: NewUser): Promise<User> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    const id = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ id: string }>(sql`
        insert into users (email, name, password_hash, roles)
        values (${input.email.trim().toLowerCase()}, ${input.name}, ${passwordHash}, ${sql.param(input.roles)}::user_role[])
        returning id`);
      const userId = rows[0]!.id;
      await setLocations(tx, userId, input.locationIds ?? null);
      return userId;
    });
    return (await findUser(db, id))!;
  } catch (error) {
    throw friendlier(error);
  }
}

export async function findUser(db: Pick<Database, 'execute'>, id: string): Promise<User | undefined> {
  const { rows } = await db.execute<UserRow>(sql`${selectUser} where u.id = ${id}`);
  return rows[0] && toUser(rows[0]);
}

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const { rows } = await db.execute<UserRow>(sql`${selectUser} where u.email = ${email.trim().toLowerCase()}`);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(db: Database): Promise<User[]> {
  const { rows } = await db.execute<UserRow>(sql`${selectUser} order by u.email`);
  return rows.map(toUser);
}

export async function countUsers(db: Database): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from users`);
  return rows[0]!.n;
}

export interface UserChanges {
  name?: string | undefined;
  roles?: Role[] | undefined;
  locationIds?: string[] | null | undefined;
  active?: boolean | undefined;
}

/**
 * Changes a user. Taking roles or locations away, or disabling the account, ends the user's
 * sessions, so the change holds from the next request rather than the next sign-in.
 */
export async function updateUser(db: Database, id: string, changes: UserChanges, now: Date): Promise<User> {
  try {
    await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ id: string }>(sql`
        update users set
          name = coalesce(${changes.name ?? null}, name),
          roles = coalesce(${changes.roles ? sql`${sql.param(changes.roles)}::user_role[]` : sql`null`}, roles),
          active = coalesce(${changes.active ?? null}::boolean, active),
          updated_at = ${now}
        where id = ${id} returning id`);
      if (!rows[0]) throw new NotFoundError(`User ${id}`);
      if (changes.locationIds !== undefined) await setLocations(tx, id, changes.locationIds);
    });
  } catch (error) {
    throw friendlier(error);
  }
  if (changes.roles !== undefined || changes.locationIds !== undefined || changes.active === false) await endUserSessions(db, id, now);
  return (await findUser(db, id))!;
}

/** Sets a new password (an admin's reset or the user's own change) and ends every session. */
export async function setPassword(db: Database, id: string, password: string, now: Date, path = 'password'): Promise<void> {
  checkPassword(password, path);
  const passwordHash = await hashPassword(password);
  const { rows } = await db.execute<{ id: string }>(sql`
    update users set password_hash = ${passwordHash}, password_changed_at = ${now}, updated_at = ${now} where id = ${id} returning id`);
  if (!rows[0]) throw new NotFoundError(`User ${id}`);
  await endUserSessions(db, id, now);
}

export async function passwordHashOf(db: Database, id: string): Promise<string | undefined> {
  const { rows } = await db.execute<{ password_hash: string }>(sql`select password_hash from users where id = ${id}`);
  return rows[0]?.password_hash;
}

async function setLocations(tx: Pick<Database, 'execute'>, userId: string, locationIds: string[] | null): Promise<void> {
  await tx.execute(sql`delete from user_locations where user_id = ${userId}`);
  if (locationIds && locationIds.length > 0) {
    await tx.execute(sql`
      insert into user_locations (user_id, location_id)
      select ${userId}, l from unnest(${sql.param([...new Set(locationIds)])}::uuid[]) as l`);
  }
}

function friendlier(error: unknown): unknown {
  if (isUniqueViolation(error, 'users_email_unique')) return new ConflictError('A user with this email exists', [{ path: 'email', message: 'is already taken' }]);
  if (isForeignKeyViolation(error)) return ValidationError.field('locationIds', 'names a location that does not exist');
  return error;
}

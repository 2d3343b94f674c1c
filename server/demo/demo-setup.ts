import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { createApiToken } from '#server/auth/api-tokens.ts';
import type { Role } from '#server/auth/permissions.ts';
import { newSecret } from '#server/auth/secrets.ts';
import { createUser } from '#server/auth/users.ts';
import { ConflictError } from '#server/core/errors.ts';

/** What the simulator needs to drive this Tower: its API token and the carriers' webhook key. */
export interface SimulatorCredentials {
  token: string;
  carrierSecret: string;
}

export interface DemoUser {
  email: string;
  password: string;
  roles: Role[];
}

/** Files in DATA_DIR, so that a restart (and `npm run simulate`) drives the same business. */
export const SIMULATOR_TOKEN_FILE = 'simulator-token';
export const CARRIER_SECRET_FILE = 'carrier-webhook-secret';

const DEMO_ROLES: readonly { role: Role; name: string }[] = [
  { role: 'admin', name: 'Demo Administrator' },
  { role: 'manager', name: 'Demo Manager' },
  { role: 'planner', name: 'Demo Planner' },
  { role: 'staff', name: 'Demo Staff' },
];

/** Nothing a business would miss: no users, no catalog, no network, no orders. */
export async function isEmptyDatabase(db: Database): Promise<boolean> {
  const { rows } = await db.execute<{ used: boolean }>(sql`
    select exists (select 1 from users) or exists (select 1 from products)
      or exists (select 1 from locations) or exists (select 1 from orders) as used`);
  return rows[0]?.used === false;
}

/**
 * One user per role with a random password, returned so they can be printed once. The first
 * insert is the claim: when two instances start on the same empty database, the one that loses
 * the race on the first e-mail address gets null and leaves the seeding to the other.
 */
export async function createDemoUsers(db: Database, options: { skipAdmin: boolean }): Promise<DemoUser[] | null> {
  const created: DemoUser[] = [];
  for (const { role, name } of DEMO_ROLES) {
    if (role === 'admin' && options.skipAdmin) continue;
    const user: DemoUser = { email: `${role}@tower.example.com`, password: newSecret().slice(0, 16), roles: [role] };
    try {
      await createUser(db, { email: user.email, name, password: user.password, roles: user.roles });
    } catch (error) {
      if (created.length === 0 && (isUniqueViolation(error) || error instanceof ConflictError)) return null;
      throw error;
    }
    created.push(user);
  }
  return created;
}

/**
 * The simulator's token, kept in DATA_DIR: `simulator` lets it write history (`x-tower-as-of`);
 * `admin` lets it create the floor worker whose session picks and packs (pick claims belong to people).
 */
export async function createSimulatorCredentials(db: Database, dataDir: string, carrierSecret: string | undefined): Promise<SimulatorCredentials> {
  const { token } = await createApiToken(db, { name: 'simulator', roles: ['admin', 'simulator'] }, null);
  const credentials = { token, carrierSecret: carrierSecret ?? newSecret() };
  mkdirSync(dataDir, { recursive: true });
  writeSecretFile(path.join(dataDir, SIMULATOR_TOKEN_FILE), credentials.token);
  if (!carrierSecret) writeSecretFile(path.join(dataDir, CARRIER_SECRET_FILE), credentials.carrierSecret);
  return credentials;
}

/** The credentials an earlier seeding left, or null when this database was not seeded by Tower. */
export function readSimulatorCredentials(dataDir: string, carrierSecret: string | undefined): SimulatorCredentials | null {
  const token = readSecretFile(path.join(dataDir, SIMULATOR_TOKEN_FILE));
  const secret = carrierSecret ?? readSecretFile(path.join(dataDir, CARRIER_SECRET_FILE));
  return token && secret ? { token, carrierSecret: secret } : null;
}

/** The carriers' webhook key when Tower made one for its simulator (no CARRIER_WEBHOOK_SECRET set). */
export function readGeneratedCarrierSecret(dataDir: string): string | undefined {
  return readSecretFile(path.join(dataDir, CARRIER_SECRET_FILE)) ?? undefined;
}

function writeSecretFile(file: string, secret: string): void {
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function readSecretFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The one time demo passwords are shown: on the console, not in the structured log. */
export function formatDemoUsers(users: readonly DemoUser[], url: string): string {
  const width = Math.max(...users.map((u) => u.email.length));
  const lines = users.map((u) => `  ${u.email.padEnd(width)}  ${u.password}`);
  return [
    '',
    `Demo business seeded. Sign in at ${url} as one of (shown only now):`,
    ...lines,
    'Change or reset passwords with `npm run users -- --help`.',
    '',
  ].join('\n');
}

import { randomBytes } from 'node:crypto';
import { TowerError, type TowerClient } from './tower-client.ts';

/** The person the simulator signs in as when it makes its own (an admin token can). */
export const FLOOR_USER_EMAIL = 'floor.simulator@example.com';

export interface FloorUser {
  email: string;
  password: string;
}

/**
 * Pick claims are made by signed-in people, not tokens, so the floor work needs a session: of
 * the given person, else of a floor worker the token creates (or gives a new password) when it
 * may manage users. Null when neither is possible: orders are then placed but never picked.
 */
export async function openFloorSession(client: TowerClient, given: FloorUser | undefined): Promise<{ floor: TowerClient | null; why: string | null }> {
  if (given) return { floor: await client.signIn(given.email, given.password), why: null };
  const password = randomBytes(18).toString('base64url');
  const roles = client.historical ? ['staff', 'simulator'] : ['staff'];
  try {
    await client.request('POST', '/api/users', { body: { email: FLOOR_USER_EMAIL, name: 'Simulated floor staff', password, roles } });
  } catch (error) {
    if (error instanceof TowerError && error.status === 403) {
      return { floor: null, why: 'the token may not manage users and no floor user was given, so shipments are not picked, packed or shipped' };
    }
    if (!(error instanceof TowerError && error.status === 409)) throw error;
    const { body } = await client.request<{ id: string; email: string }[]>('GET', '/api/users');
    const user = body.find((u) => u.email === FLOOR_USER_EMAIL);
    if (!user) throw error;
    await client.request('PATCH', `/api/users/${user.id}`, { body: { roles, active: true } });
    await client.request('POST', `/api/users/${user.id}/password`, { body: { password } });
  }
  return { floor: await client.signIn(FLOOR_USER_EMAIL, password), why: null };
}

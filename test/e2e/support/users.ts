import { inject } from 'vitest';
import { signIn, type ApiClient } from '#test/support/api-client.ts';
import { createLocation, expectStatus, unique } from '#test/support/factories.ts';

export const PASSWORD = 'e2e-password-123';

export function towerUrl(): string {
  return inject('towerUrl');
}

export function adminApi(): Promise<ApiClient> {
  return signIn(inject('towerUrl'), inject('adminEmail'), inject('adminPassword'));
}

/** A user of one role (staff limited to a new location, as on the floor). */
export async function createUser(admin: ApiClient, role: 'admin' | 'manager' | 'planner' | 'staff' | 'service') {
  const email = `${unique(role)}@example.com`;
  const locationIds = role === 'staff' ? [(await createLocation(admin)).id] : undefined;
  expectStatus(await admin.post('/api/users', { email, name: `E2E ${role}`, password: PASSWORD, roles: [role], locationIds }), 201);
  return { email, password: PASSWORD, locationIds };
}

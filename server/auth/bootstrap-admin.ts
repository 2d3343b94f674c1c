import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import { isUniqueViolation } from '#db/errors.ts';
import { countUsers, createUser } from './users.ts';

/**
 * On an empty database, the first admin comes from ADMIN_EMAIL and ADMIN_PASSWORD; with
 * users already there, those variables are ignored (change passwords with the CLI or API).
 */
export async function bootstrapAdmin(db: Database, logger: Logger, admin: { email?: string | undefined; password?: string | undefined }): Promise<void> {
  if ((await countUsers(db)) > 0) return;
  if (!admin.email || !admin.password) {
    logger.warn('no users yet: set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run users -- create --email you@example.com --roles admin`');
    return;
  }
  try {
    const user = await createUser(db, { email: admin.email, name: 'Administrator', password: admin.password, roles: ['admin'] });
    logger.info({ email: user.email }, 'first admin created from ADMIN_EMAIL');
  } catch (error) {
    // Two instances starting on an empty database at once: the other one created it.
    if (!isUniqueViolation(error)) throw error;
  }
}

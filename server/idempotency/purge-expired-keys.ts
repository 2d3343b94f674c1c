import { lt } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { idempotencyKeys } from '#db/schema/idempotency.ts';

/**
 * Idempotency keys protect retries, which happen within minutes or hours; after the
 * retention period they are dropped so the table does not grow forever. Orders stay
 * protected beyond that by their unique channel + externalRef.
 */
export async function purgeExpiredIdempotencyKeys(db: Database, olderThan: Date): Promise<number> {
  const deleted = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, olderThan)).returning({ key: idempotencyKeys.key });
  return deleted.length;
}

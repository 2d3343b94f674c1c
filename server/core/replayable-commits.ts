import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { currentAsOf } from './as-of.ts';

/**
 * Historical work commits without waiting for its WAL flush: every transaction started inside a
 * dated request (x-tower-as-of, or a batch item's `asOf`; both need history:write, which only the
 * `simulator` role has) begins with `SET LOCAL synchronous_commit = off`.
 *
 * Why it is safe: such requests are replayable by design. Each carries an idempotency key or is
 * a step the driver re-reads Tower's state for on restart, so a crash loses at most the last few
 * hundred milliseconds (wal_writer_delay × 3) of imported history, which the driver sends again.
 * Nothing is corrupted: PostgreSQL's asynchronous commit loses whole transactions, never parts,
 * and never one that a later flushed commit depended on. Live requests (no moment) keep the
 * server's setting, so an acknowledged order placed now is as durable as before.
 *
 * Why it matters: a backfill commits thousands of small transactions, and with fsync on each
 * waits for its flush; on `npm start`'s embedded PostgreSQL that flush is on the critical path
 * of every historical request. The group-commit order statement, which runs outside a
 * transaction, sets the same for itself when every order it writes is dated (write-orders.ts).
 *
 * Patches `db.transaction` in place (nested transactions are savepoints of it and inherit it).
 */
export function replayableCommits(db: Database): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn, config) =>
    currentAsOf() === undefined
      ? transaction(fn, config)
      : transaction(async (tx) => {
          await tx.execute(sql`set local synchronous_commit = off`);
          return fn(tx);
        }, config)) as Database['transaction'];
  return db;
}

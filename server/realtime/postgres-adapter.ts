import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface RealtimeClusterOptions {
  /**
   * The pool for NOTIFY and for the `socket_io_attachments` table (payloads over 8000
   * bytes); the adapter keeps one of its connections for LISTEN as long as the hub is open.
   */
  pool: pg.Pool;
  /** Notification channel prefix: instances with the same one share broadcasts. `tower_realtime` by default. */
  channel?: string;
  /** How often each instance announces itself to the others (ms); 5 s by default. */
  heartbeatMs?: number;
}

const DEFAULT_CHANNEL = 'tower_realtime';
const DEFAULT_HEARTBEAT_MS = 5_000;

/**
 * socket.io's PostgreSQL adapter (LISTEN/NOTIFY): a broadcast on one Tower instance reaches
 * the sockets in that room on every instance using the same database and channel.
 */
export function postgresAdapter(options: RealtimeClusterOptions, logger: Logger) {
  const heartbeatInterval = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  return createAdapter(listenSafePool(options.pool, logger), {
    channelPrefix: options.channel ?? DEFAULT_CHANNEL,
    heartbeatInterval,
    heartbeatTimeout: 2 * heartbeatInterval,
    errorHandler: (error) => logger.warn({ err: error }, 'socket.io PostgreSQL adapter error'),
  });
}

/**
 * The adapter (0.5) takes one client with `pool.connect()` for LISTEN and keeps it; it uses
 * `pool.query` for everything else. Left alone, that client (1) has no 'error' listener while
 * checked out, so a terminated connection (database restart, failover) would crash the
 * process; (2) is never returned when it dies, so each reconnection would leak a pool slot;
 * (3) goes back to the pool still LISTENing when the adapter closes. This view of the pool
 * hands the adapter a client without those three problems, and sends its NOTIFYs in order.
 */
function listenSafePool(pool: pg.Pool, logger: Logger): pg.Pool {
  async function connect(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    const release = client.release;
    let released = false;
    const onError = (error: Error) => logger.warn({ err: error }, 'socket.io LISTEN connection lost; reconnecting');
    // Registered before the adapter's own 'end' listener (which reconnects), so it runs first.
    const onEnd = () => {
      if (released) return;
      released = true;
      release(new Error('socket.io LISTEN connection ended'));
    };
    client.on('error', onError);
    client.once('end', onEnd);
    client.release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      client.removeListener('end', onEnd);
      client.removeAllListeners('notification');
      const done = (failure?: Error | boolean) => {
        client.removeListener('error', onError);
        release(failure);
      };
      if (error) return done(error);
      client.query('UNLISTEN *').then(
        () => done(),
        (failure: unknown) => done(failure instanceof Error ? failure : true),
      );
    };
    return client;
  }
  // One query at a time: NOTIFYs sent over several pool connections can arrive out of order,
  // and clients must see an order's events in the order they happened.
  let previous: Promise<unknown> = Promise.resolve();
  const query = (...args: unknown[]) => {
    const run = previous.then(() => (pool.query as (...a: unknown[]) => Promise<unknown>)(...args));
    previous = run.catch(() => undefined);
    return run;
  };
  return { connect, query } as unknown as pg.Pool;
}

import type pg from 'pg';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { postgresAdapter } from '#server/realtime/postgres-adapter.ts';
import type { RealtimeHub, ServerToClientEvents } from '#server/realtime/realtime-hub.ts';
import type { BroadcastRoom } from '#server/realtime/rooms.ts';

export interface ClusterPublisher extends Pick<RealtimeHub, 'emitOrderEvent' | 'emitKpis'> {
  /** Leaves the cluster (call it before closing the pool). */
  close(): Promise<void>;
}

const ORDERS: BroadcastRoom = 'orders';
const KPIS: BroadcastRoom = 'kpis';

/**
 * The live push's hub in a process that serves no socket.io clients (`npm run relay`): a
 * socket.io server bound to no HTTP server, on the same PostgreSQL adapter and channel as
 * every Tower instance (server/realtime/postgres-adapter.ts). What it emits to a room goes out
 * as a NOTIFY and reaches the sockets in that room on every instance, as if one of them had
 * emitted it. (`@socket.io/postgres-emitter` 0.1.1 would be the smaller tool, but its messages
 * carry no namespace, and the 0.5 adapter drops every message without one.)
 */
export function startClusterPublisher(options: { pool: pg.Pool; logger: Logger; channel?: string }): ClusterPublisher {
  const logger = options.logger.child({ component: 'cluster-publisher' });
  const cluster = { pool: options.pool, ...(options.channel !== undefined ? { channel: options.channel } : {}) };
  const io = new Server<Record<string, never>, ServerToClientEvents>({ serveClient: false, adapter: postgresAdapter(cluster, logger) });
  return {
    emitOrderEvent: (event) => void io.to(ORDERS).emit('order:event', event),
    emitKpis: (snapshot) => void io.to(KPIS).emit('kpis', snapshot),
    // Not `io.close()`: it closes an engine this server never had.
    close: async () => io.of('/').adapter.close(),
  };
}
